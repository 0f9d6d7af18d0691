import type { EditorFile } from './editor-files.js';
import { TASK_LABEL } from './vscode/run-task.js';

/** The entry as `what to add` shows it: indented JSON, ready to paste. */
const snippet = (entry: unknown): string[] =>
  JSON.stringify(entry, null, 2)
    .split('\n')
    .map((line) => `  ${line}`);

const fileLines = (file: EditorFile): string[] => {
  const named = `${file.noun} "${String(file.entry[file.nameKey])}"`;
  const { outcome } = file;
  switch (outcome.kind) {
    case 'write':
      return [`wrote ${file.shown}: ${named} ${file.does}`];
    case 'add':
      return [`added ${named} to ${file.shown}: ${file.does}`];
    case 'present':
      return [`left ${file.shown} as it is: it has a ${named}`];
    case 'unmergeable':
      return [`left ${file.shown} as it is: ${outcome.problem}; add this ${file.noun} to its "${file.list}" list:`, ...snippet(file.entry)];
  }
};

/** What init did with each of the editor's files, then where the task is found when it is there. */
export const formatEditorFiles = (files: readonly EditorFile[]): string[] => {
  const hasTask = files.some((file) => file.list === 'tasks' && file.outcome.kind !== 'unmergeable');
  return [...files.flatMap(fileLines), ...(hasTask ? [`in VS Code: Terminal › Run Task… › ${TASK_LABEL}`] : [])];
};
