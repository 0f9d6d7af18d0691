import { existsSync } from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { readBoundedSync, refusalText } from '../files/bounded-read.js';
import { isWithin } from '../paths.js';

/** The .gitignore line that ignores a path: `inspect --why` names it. */
export type IgnoreRule = { readonly file: string; readonly line: number; readonly pattern: string };

/** The directory holding `.git` (a directory, or a file in a worktree) above `dir`, if any. */
export const repositoryRoot = (dir: string): string | undefined => {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if (existsSync(path.join(current, '.git'))) return current;
    if (path.dirname(current) === current) return undefined;
  }
};

/**
 * The ignore files of the repository holding `projectRoot` (or of the project itself, outside
 * one). `warn` hears of an ignore file that is not read (a FIFO, a device, too large), once.
 */
export const gitIgnoresFor = (projectRoot: string, warn?: (message: string) => void): GitIgnores =>
  new GitIgnores(repositoryRoot(projectRoot) ?? projectRoot, warn);

type Level = { readonly dir: string; readonly file: string; readonly matcher: Ignore };

/** git skips a pattern file of this size or more. */
const GIT_PATTERN_FILE_BYTES = 100 * 1024 ** 2;

/** One ignore file, each pattern marked with its line number. */
const levelOf = (dir: string, file: string, lines: readonly string[]): Level => {
  // Case-sensitive, as git is on Linux; the package's default folds case.
  const matcher = ignore({ ignorecase: process.platform !== 'linux' });
  lines.forEach((pattern, index) => matcher.add({ pattern, mark: String(index + 1) }));
  return { dir, file, matcher };
};

/**
 * What the repository's ignore files ignore, with git's precedence: .git/info/exclude, then
 * each .gitignore from the repository root down to the path's directory, the deepest decisive
 * rule winning; a path inside an ignored directory is ignored whatever a deeper file says.
 * Files are read once and results kept until `forget()` (a .gitignore changed).
 */
export class GitIgnores {
  readonly #root: string;
  readonly #levels = new Map<string, Level | null>();
  readonly #dirs = new Map<string, IgnoreRule | null>();
  readonly #warn: ((message: string) => void) | undefined;
  /** Ignore files said not to be read, with why: kept across `forget()`, so each is said once. */
  readonly #refused = new Map<string, string>();

  constructor(root: string, warn?: (message: string) => void) {
    this.#root = root;
    this.#warn = warn;
  }

  /** The rule that ignores `file` (a directory when `isDir`), or undefined. */
  ignoredBy(file: string, isDir: boolean): IgnoreRule | undefined {
    if (file === this.#root || !isWithin(file, this.#root)) return undefined;
    const parent = path.dirname(file);
    const inherited = parent === this.#root ? undefined : this.#dirRule(parent);
    return inherited ?? this.#match(file, isDir);
  }

  /** Forgets every file and result: a .gitignore was added, changed or removed. */
  forget(): void {
    this.#levels.clear();
    this.#dirs.clear();
  }

  #dirRule(dir: string): IgnoreRule | undefined {
    let rule = this.#dirs.get(dir);
    if (rule === undefined) this.#dirs.set(dir, (rule = this.ignoredBy(dir, true) ?? null));
    return rule ?? undefined;
  }

  #level(dir: string, file: string): Level | undefined {
    let level = this.#levels.get(file);
    if (level === undefined) this.#levels.set(file, (level = this.#read(dir, file) ?? null));
    return level ?? undefined;
  }

  /** The patterns of one ignore file: only a regular file within git's own limit is read, and a FIFO or a device is refused without waiting on it. */
  #read(dir: string, file: string): Level | undefined {
    const read = readBoundedSync(file, GIT_PATTERN_FILE_BYTES - 1);
    if (read.kind !== 'refused') this.#refused.delete(file);
    if (read.kind === 'read') return levelOf(dir, file, read.bytes.toString('utf8').split(/\r?\n/));
    if (read.kind === 'refused') {
      const why = refusalText(read.refusal, "git's own limit for a pattern file (100 MiB)");
      if (this.#refused.get(file) !== why) this.#warn?.(`${file} ${why}: gowatch does not read it, so its patterns ignore nothing`);
      this.#refused.set(file, why);
    }
    return undefined;
  }

  /** The levels that apply to a path in `dir`, lowest precedence first. */
  #levelsFor(dir: string): Level[] {
    const dirs: string[] = [];
    for (let current = dir; isWithin(current, this.#root); current = path.dirname(current)) {
      dirs.unshift(current);
      if (current === this.#root) break;
    }
    const levels = [this.#level(this.#root, path.join(this.#root, '.git', 'info', 'exclude'))];
    for (const each of dirs) levels.push(this.#level(each, path.join(each, '.gitignore')));
    return levels.filter((level): level is Level => level !== undefined);
  }

  #match(file: string, isDir: boolean): IgnoreRule | undefined {
    let decided: IgnoreRule | undefined;
    for (const level of this.#levelsFor(path.dirname(file))) {
      const rel = path.relative(level.dir, file).split(path.sep).join('/') + (isDir ? '/' : '');
      const { ignored, unignored, rule } = level.matcher.checkIgnore(rel);
      if (ignored && rule) decided = { file: level.file, line: Number(rule.mark ?? 0), pattern: rule.pattern };
      else if (unignored) decided = undefined;
    }
    return decided;
  }
}
