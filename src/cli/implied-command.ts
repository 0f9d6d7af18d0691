import { looksLikePackage } from '../config/package-arg.js';

/**
 * The arguments commander is to parse, or, for bare gowatch with nothing to run, why (in the
 * words `gowatch run` ends with) and what to do instead.
 */
export type Invocation =
  | { readonly kind: 'parse'; readonly args: readonly string[] }
  | { readonly kind: 'nothing-to-run'; readonly reason: unknown; readonly whatToDo: string };

/** Options commander answers itself, whatever the command. */
const OWN_OPTIONS = ['-h', '--help', '-v', '--version'];

const isMainPackage = async (dir: string): Promise<boolean> => {
  const { runGo } = await import('../go/run-go.js');
  return (await runGo(['list', '-e', '-f', '{{.Name}}', '.'], dir)).stdout.trim() === 'main';
};

/**
 * Bare `gowatch` runs what is there to run, as air and nodemon do: the config's targets or
 * package, or the main package of the directory. Anywhere else it says why `gowatch run` cannot
 * start there, then what to run instead: not the whole help, which answers neither.
 */
const bare = async (cwd: string): Promise<Invocation> => {
  const run: Invocation = { kind: 'parse', args: ['run'] };
  // Loaded here, not up front: a command named, --help and --version need none of them.
  const { findConfigFile } = await import('../config/load.js');
  if (findConfigFile(cwd) !== undefined || (await isMainPackage(cwd))) return run;
  const { whatToRun, whyRunCannotStart } = await import('./nothing-to-run.js');
  const reason = await whyRunCannotStart(cwd);
  return reason === undefined ? run : { kind: 'nothing-to-run', reason, whatToDo: await whatToRun(cwd) };
};

/**
 * `gowatch` with no command is `gowatch run` when what follows belongs to it: flags, or a
 * package (`gowatch ./cmd/api`, `gowatch cmd/api`, `gowatch main.go`). A word that is neither
 * a command nor a package stays commander's to refuse, with its suggestion.
 */
export const impliedCommand = async (args: readonly string[], commands: readonly string[], cwd: string): Promise<Invocation> => {
  const first = args[0];
  if (first === undefined) return bare(cwd);
  if (OWN_OPTIONS.includes(first) || commands.includes(first)) return { kind: 'parse', args };
  if (first.startsWith('-') || looksLikePackage(first, cwd)) return { kind: 'parse', args: ['run', ...args] };
  return { kind: 'parse', args };
};
