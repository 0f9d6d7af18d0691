import { findConfigFile } from '../config/load.js';
import { looksLikePackage } from '../config/package-arg.js';
import { listMainPackages } from '../go/main-packages.js';
import { mainPackageList } from '../go/no-main-package.js';
import { runGo } from '../go/run-go.js';

/** The arguments commander is to parse, or help to print with what gowatch found instead. */
export type Invocation =
  | { readonly kind: 'parse'; readonly args: readonly string[] }
  | { readonly kind: 'help'; readonly hint: string | undefined };

/** Options commander answers itself, whatever the command. */
const OWN_OPTIONS = ['-h', '--help', '-v', '--version'];

const isMainPackage = async (dir: string): Promise<boolean> =>
  (await runGo(['list', '-e', '-f', '{{.Name}}', '.'], dir)).stdout.trim() === 'main';

/**
 * Bare `gowatch` runs what is there to run, as air and nodemon do: the config's targets or
 * package, or the main package of the directory. Anywhere else it prints help, and names the
 * main packages the module has.
 */
const bare = async (cwd: string): Promise<Invocation> => {
  if (findConfigFile(cwd) !== undefined || (await isMainPackage(cwd))) return { kind: 'parse', args: ['run'] };
  const mains = await listMainPackages(cwd);
  if (mains.length === 0) return { kind: 'help', hint: undefined };
  const run = `gowatch ${mains[0]!.relative}`;
  return { kind: 'help', hint: `no main package here; found ${mainPackageList(mains)} — ${mains.length === 1 ? 'run' : 'run one'}: ${run}` };
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
