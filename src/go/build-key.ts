import { createHash } from 'node:crypto';
import type { Closure } from './closure.js';
import type { FileState } from './content-hashes.js';
import { KEY_ENV_VARS, type GoEnv } from './env.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/**
 * An order-independent digest of (path, content) pairs, updated in O(changed files):
 * each pair's SHA-256 is XORed in or out, so a batch never re-reads the whole closure.
 */
export class FileSetDigest {
  readonly #value = Buffer.alloc(32);

  #toggle(file: string, digest: string): void {
    const entry = sha256(`${file}\0${digest}`);
    for (let i = 0; i < 32; i++) this.#value[i]! ^= entry[i]!;
  }

  static of(files: Iterable<string>, stateOf: (file: string) => FileState | undefined): FileSetDigest {
    const set = new FileSetDigest();
    for (const file of files) set.#toggle(file, stateOf(file)?.digest ?? 'missing');
    return set;
  }

  /** Moves the digest from each update's old content to its new content. */
  apply(updates: readonly { readonly file: string; readonly before: FileState | undefined; readonly after: FileState }[], member: (file: string) => boolean): void {
    for (const { file, before, after } of updates) {
      if (!member(file)) continue;
      this.#toggle(file, before?.digest ?? 'missing');
      this.#toggle(file, after.digest);
    }
  }

  hex(): string {
    return this.#value.toString('hex');
  }
}

export type KeyInputs = {
  readonly closure: Closure;
  readonly goEnv: GoEnv;
  readonly buildFlags: readonly string[];
  readonly pkg: string;
  readonly digestOf: (file: string) => string | undefined;
  readonly files: FileSetDigest;
};

/** What decides the binary, besides the sources: it changes only when the closure or go env does. */
const keyContext = (inputs: Omit<KeyInputs, 'digestOf' | 'files'>): string =>
  JSON.stringify({
    modules: inputs.closure.moduleDirs,
    workspace: inputs.closure.workspace ?? null,
    target: [inputs.pkg, inputs.closure.target.importPath, inputs.closure.target.dir],
    flags: inputs.buildFlags,
    env: KEY_ENV_VARS.map((name) => [name, inputs.goEnv[name] ?? '']),
  });

/** The build key: equal keys mean go build would produce the same program. */
export const buildKey = (inputs: KeyInputs): string => {
  const hash = createHash('sha256').update(keyContext(inputs));
  for (const file of inputs.closure.moduleFiles) hash.update(`\n${file}\0${inputs.digestOf(file) ?? 'missing'}`);
  hash.update(`\n${inputs.files.hex()}`);
  return hash.digest('hex').slice(0, 32);
};
