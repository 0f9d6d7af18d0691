import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GowatchError } from '../errors.js';
import { debugListensOf, type ListenAddress } from './debug-listen.js';
import type { Editor } from './editors.js';
import { gowatchRunCommand } from './gowatch-command.js';
import { mergeEntry, type EntryList, type Merged } from './merge-jsonc.js';
import { attachConfiguration, launchFile } from './vscode/launch-config.js';
import { runTask, tasksFile } from './vscode/run-task.js';

/** One file of the editor's, and what init did with it. */
export type EditorFile = EntryList & {
  /** How messages name it: relative to where init writes, "/" separators. */
  readonly shown: string;
  /** What an entry of the list is: "task", "configuration". */
  readonly noun: string;
  /** What the entry does, for the line saying it was written. */
  readonly does: string;
  readonly outcome: Merged;
};

type Planned = Omit<EditorFile, 'outcome'>;

const vscodeFiles = (listens: readonly ListenAddress[], command: string): Planned[] => [
  {
    shown: '.vscode/tasks.json',
    noun: 'task',
    does: `runs ${command}, its build errors to the Problems panel`,
    list: 'tasks',
    nameKey: 'label',
    entry: runTask(command),
    fresh: tasksFile(command),
  },
  ...listens.map((listen) => ({
    shown: '.vscode/launch.json',
    noun: 'configuration',
    does: `attaches to Delve on ${listen.host}:${listen.port}`,
    list: 'configurations',
    nameKey: 'name',
    entry: attachConfiguration(listen),
    fresh: launchFile(listen),
  })),
];

/** The file's text; undefined when there is none; a problem when it is there but not text to read. */
const readText = (file: string): { text: string | undefined } | { problem: string } => {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { text: undefined } : { problem: `it cannot be read (${code ?? (error as Error).message})` };
  }
  try {
    // The BOM stays in the text, to be written back as it was.
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    return { problem: 'it is not UTF-8 text' };
  }
};

const write = (file: string, content: string, create: boolean): void => {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    // A new file is created here or not at all; a merged one is written where it is (through a link too).
    writeFileSync(file, content, create ? { flag: 'wx' } : {});
  } catch (error) {
    throw new GowatchError('usage', `cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 1);
  }
};

/**
 * Writes VS Code's task and attach configuration into `dir`/.vscode: a file that is not there
 * is written whole, an existing one gets the entry added when it has none of that name, and
 * one that cannot be merged is left byte for byte (the result says what to add).
 */
export const writeVscodeFiles = (dir: string, listens: readonly ListenAddress[], command: string): EditorFile[] =>
  vscodeFiles(listens, command).map((planned) => {
    const file = path.join(dir, planned.shown);
    const read = readText(file);
    if ('problem' in read) return { ...planned, outcome: { kind: 'unmergeable', problem: read.problem } };
    const outcome = mergeEntry(read.text, planned);
    if (outcome.kind === 'write' || outcome.kind === 'add') write(file, outcome.content, read.text === undefined);
    return { ...planned, outcome };
  });

const writers: Record<Editor, (dir: string, listens: readonly ListenAddress[], command: string) => EditorFile[]> = { vscode: writeVscodeFiles };

/** The editor's files for the project in `dir`: attach to its config's debug address, run gowatch as the project installs it. */
export const writeEditorFiles = (dir: string, configFile: string, editor: Editor): EditorFile[] =>
  writers[editor](dir, debugListensOf(configFile), gowatchRunCommand(dir));
