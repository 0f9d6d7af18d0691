import { statSync } from 'node:fs';
import path from 'node:path';
import { quote, shownPath } from '../text/quote.js';

/**
 * One flag as go reads it; `arg` is the flag as written, `text` with its value, for messages;
 * `span` the arguments it takes (2 when its value is the next one).
 */
export type GoFlag = { readonly name: string; readonly value: string | undefined; readonly arg: string; readonly text: string; readonly span: 1 | 2 };

/** go build's flags that take the next argument as their value when written without "=". */
const VALUE_FLAGS: ReadonlySet<string> = new Set([
  'C', 'o', 'p', 'asmflags', 'buildmode', 'compiler', 'covermode', 'coverpkg', 'gccgoflags', 'gcflags',
  'installsuffix', 'ldflags', 'mod', 'modfile', 'overlay', 'pgo', 'pkgdir', 'tags', 'toolexec',
]);

/**
 * Flags as go's flag package reads them: `-x`, `--x`, `-x=v`, and `-x v` for a flag that takes
 * a value. The first argument that is no flag ends them, as it does for go.
 */
export const parseGoFlags = (args: readonly string[]): GoFlag[] => {
  const flags: GoFlag[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    const match = /^--?([^-=][^=]*)(?:=([\s\S]*))?$/.exec(arg);
    if (!match) break;
    const [, name, inline] = match as unknown as [string, string, string | undefined];
    const next = args[i + 1];
    if (inline === undefined && VALUE_FLAGS.has(name) && next !== undefined) {
      flags.push({ name, value: next, arg, text: `${arg} ${next}`, span: 2 });
      i += 1;
    } else {
      flags.push({ name, value: inline, arg, text: arg, span: 1 });
    }
  }
  return flags;
};

/**
 * The arguments without every `-NAME` flag: go keeps only the last of some flags (-gcflags for a
 * pattern, -overlay), so gowatch, adding its own, must carry the user's in it instead.
 */
export const withoutFlag = (args: readonly string[], name: string): string[] => {
  const kept = [...args];
  let index = 0;
  for (const flag of parseGoFlags(args)) {
    if (flag.name === name) kept.splice(index, flag.span);
    else index += flag.span;
  }
  return kept;
};

/** A boolean flag that is on: bare, or with a value Go's strconv.ParseBool reads as true. */
const isOn = (flag: GoFlag) => flag.value === undefined || ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(flag.value);

/** Build modes whose output is an executable gowatch can start. */
const RUNNABLE_MODES: ReadonlySet<string | undefined> = new Set(['exe', 'pie', 'default']);

/**
 * Why a flag leaves gowatch no program to run, wherever it comes from (go.build.flags or
 * GOFLAGS): go build would succeed and write nothing runnable.
 */
export const noProgramProblem = (flag: GoFlag): string | undefined => {
  if (flag.name === 'n' && isOn(flag)) return `${quote(flag.text)} prints the commands without running them, so no binary is built`;
  if (flag.name === 'buildmode' && !RUNNABLE_MODES.has(flag.value)) {
    return `${quote(flag.text)} builds no executable, and gowatch runs the executable go build writes (use exe or pie)`;
  }
  return undefined;
};

/** Why go.build.flags (or --build-flag) cannot be given to gowatch's go build, or undefined. */
export const buildFlagsProblem = (args: readonly string[]): string | undefined => {
  for (const flag of parseGoFlags(args)) {
    if (flag.name === 'o') return `${quote(flag.arg)} is not allowed: gowatch chooses the output path so Go can skip unchanged links`;
    if (flag.name === 'C') {
      return `${quote(flag.arg)} is not allowed: go takes -C only as the first flag of its command line, and gowatch already runs go in the package's directory (name it in go.build.package)`;
    }
    if (flag.name === 'h' || flag.name === 'help') return `${quote(flag.text)} asks go build for its usage, so nothing is built`;
    const problem = noProgramProblem(flag);
    if (problem) return problem;
  }
  return undefined;
};

/** Characters of a path a message shows: it comes from user text, which can be long. */
const SHOWN_PATH = 100;

/** Flags naming a file go reads, and the values that name none. */
const FILE_FLAGS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['modfile', new Set<string>()],
  ['overlay', new Set<string>()],
  ['pgo', new Set(['auto', 'off'])],
]);

/**
 * A file a flag names that go could not read: relative to `dir`, where go runs. Checked before
 * go runs, so that the refusal names the flag rather than the package go failed to load.
 */
export const flagFileProblem = (flag: GoFlag, dir: string): string | undefined => {
  const keywords = FILE_FLAGS.get(flag.name);
  if (!keywords || flag.value === undefined || keywords.has(flag.value)) return undefined;
  if (flag.value === '') return `${quote(flag.text)} names no file`;
  const file = path.resolve(dir, flag.value);
  const shown = shownPath(file, SHOWN_PATH);
  if (flag.name === 'modfile' && !file.endsWith('.mod')) return `${quote(flag.text)}: go needs a file name ending in ".mod"`;
  try {
    const stats = statSync(file, { throwIfNoEntry: false });
    if (!stats) return `${quote(flag.text)}: ${shown} does not exist`;
    return stats.isDirectory() ? `${quote(flag.text)}: ${shown} is a directory, not a file` : undefined;
  } catch (error) {
    return `${quote(flag.text)}: ${shown} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
};

/** The first file a list of flags names that go could not read, from `dir`. */
export const flagFilesProblem = (args: readonly string[], dir: string): string | undefined => {
  for (const flag of parseGoFlags(args)) {
    const problem = flagFileProblem(flag, dir);
    if (problem) return problem;
  }
  return undefined;
};
