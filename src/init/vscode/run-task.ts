import { problemMatcher } from './problem-matcher.js';

/** The label of gowatch's task in tasks.json: init adds it only where no task has it. */
export const TASK_LABEL = 'gowatch: run';

/**
 * A background task running gowatch in the workspace folder (where its paths are relative to),
 * with the matcher that puts its build errors in the Problems panel.
 */
export const runTask = (command: string) => ({
  label: TASK_LABEL,
  type: 'shell',
  command,
  isBackground: true,
  options: { cwd: '${workspaceFolder}' },
  problemMatcher: problemMatcher(),
});

export const tasksFile = (command: string) => ({ version: '2.0.0', tasks: [runTask(command)] });
