/**
 * The problem matcher of the gowatch task in .vscode/tasks.json: regular expressions (VS Code
 * compiles them as JavaScript RegExp) over the human lines of `gowatch run`, as
 * src/report/human-reporter.ts writes them.
 */

/**
 * Colour codes, wherever gowatch's lines may hold them: a task runs in VS Code's terminal, so
 * gowatch sees a terminal and colours its lines. VS Code matches the text the terminal shows,
 * without the codes; the patterns still match the raw bytes, as another reader gets them.
 */
const SGR = '(?:\\u001b\\[[0-9;]*m)*';

/** "[gowatch] ", then with several targets "api    │ " (src/report/target-prefix.ts). */
const LINE_START = `^${SGR}\\[gowatch\\]${SGR} (?:[^│]*│${SGR} )?${SGR}`;

/**
 * Where the Problems panel starts over: a build starts, or a save is seen ("changed …", said
 * before any build or skip it causes, and the only line before "build errors fixed").
 */
const BEGINS = `${LINE_START}(?:building|changed)${SGR} `;

/**
 * Where it is settled: a build ended, or no build was needed. A canceled build is no end: the
 * newer changes that canceled it end in one of these, and the panel keeps the errors till then.
 */
const ENDS = `${LINE_START}(?:built|build failed|build errors fixed|no rebuild needed|the new build is not needed)${SGR}[ :]`;

/**
 * "  file:line:col: message", below "build failed", with the column left out when go gives none
 * (src/go/diagnostics.ts formatDiagnostic). Two spaces exactly: no other line of gowatch starts
 * so, and with several targets a program's lines start with its target's name.
 */
const DIAGNOSTIC = `^  ${SGR}(\\S.*?\\.\\w+):(\\d+)(?::(\\d+))?: (.*?)${SGR}$`;

/**
 * The matcher. Paths are relative to the directory gowatch runs in, which the task sets to the
 * workspace folder.
 */
export const problemMatcher = () => ({
  // What VS Code files the problems under: the matcher clears only its owner's.
  owner: 'gowatch',
  source: 'go build',
  severity: 'error',
  fileLocation: ['relative', '${workspaceFolder}'],
  pattern: { regexp: DIAGNOSTIC, file: 1, line: 2, column: 3, message: 4 },
  background: { activeOnStart: true, beginsPattern: BEGINS, endsPattern: ENDS },
});
