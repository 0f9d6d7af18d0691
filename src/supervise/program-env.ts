import { label } from '../text/quote.js';
import { readEnvFile } from './env-file.js';

type Env = Readonly<Record<string, string | undefined>>;

export type ProgramEnvOptions = {
  /** go.run.envFile, absolute, in order: a later file wins. */
  readonly files: readonly string[];
  /**
   * The environment gowatch was started with: it wins over the files, as dotenv, godotenv and
   * `node --env-file` leave a variable that is already set alone (`PORT=9000 gowatch run` works).
   */
  readonly inherited: Env;
  /** go.run.env, then gowatch's own variables: explicit settings, over both. */
  readonly explicit: Readonly<Record<string, string>>;
  /** A file as warnings name it. */
  readonly shown: (file: string) => string;
  /** One line, never a value: .env files hold secrets. */
  readonly warn: (message: string) => void;
};

/** Names a warning lists before "and N more". */
const NAMES_SHOWN = 5;

const listed = (names: readonly string[]): string => {
  const shown = names.slice(0, NAMES_SHOWN).map(label).join(', ');
  return names.length <= NAMES_SHOWN ? shown : `${shown} and ${names.length - NAMES_SHOWN} more`;
};

/** A variable's value only when `env` has it as its own (a name such as "constructor" is a variable like any other). */
const own = (env: Env, name: string): string | undefined => (Object.hasOwn(env, name) ? env[name] : undefined);

/**
 * The program's whole environment, made anew for each start: the .env files are read again,
 * so a restart their edit causes runs with the new values. A file that is missing adds
 * nothing; one that cannot be used (unreadable, a line dotenv would misread) keeps the values
 * it last gave. Each problem is said once, when it appears (a new save of a still broken file
 * is said again), not at every start.
 */
export class ProgramEnv {
  readonly #o: ProgramEnvOptions;
  /** Each file's values as last read whole. */
  readonly #values = new Map<string, Readonly<Record<string, string>>>();
  /** Each file's problem as last said. */
  readonly #said = new Map<string, string>();
  /** What the files gave at the last read: a change under a variable that wins is said. */
  #fromFiles: Readonly<Record<string, string>> | undefined;

  constructor(options: ProgramEnvOptions) {
    this.#o = options;
  }

  read(): Record<string, string | undefined> {
    const { files, inherited, explicit } = this.#o;
    const fromFiles: Record<string, string> = {};
    for (const file of files) Object.assign(fromFiles, this.#load(file));
    if (this.#fromFiles) this.#sayShadowed(this.#fromFiles, fromFiles);
    this.#fromFiles = fromFiles;
    return { ...fromFiles, ...inherited, ...explicit };
  }

  #load(file: string): Readonly<Record<string, string>> {
    const read = readEnvFile(file);
    if (read.kind === 'values') {
      this.#values.set(file, read.values);
      this.#said.delete(file);
      return read.values;
    }
    const shown = `${this.#o.shown(file)} (go.run.envFile)`;
    if (read.kind === 'missing') {
      this.#values.delete(file);
      this.#say(file, `${shown} does not exist; the program starts without its variables`, '');
      return {};
    }
    const kept = this.#values.get(file);
    this.#say(file, `${shown} ${read.why}; the program starts ${kept ? 'with its variables as last read' : 'without its variables'}`, read.version ?? '');
    return kept ?? {};
  }

  #say(file: string, message: string, version: string): void {
    const said = `${message}\0${version}`;
    if (this.#said.get(file) === said) return;
    this.#said.set(file, said);
    this.#o.warn(message);
  }

  /** An edit that cannot reach the program, since a variable gowatch was started with, or go.run.env, wins: said, by name. */
  #sayShadowed(before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>): void {
    const { inherited, explicit } = this.#o;
    const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((name) => own(before, name) !== own(after, name)).sort();
    const byConfig = changed.filter((name) => Object.hasOwn(explicit, name));
    const byEnvironment = changed.filter((name) => !Object.hasOwn(explicit, name) && own(inherited, name) !== undefined);
    if (byConfig.length > 0) this.#o.warn(`${listed(byConfig)} changed in go.run.envFile, but go.run.env sets ${byConfig.length === 1 ? 'it' : 'them'}, which wins`);
    if (byEnvironment.length > 0) {
      this.#o.warn(`${listed(byEnvironment)} changed in go.run.envFile, but the environment gowatch was started with sets ${byEnvironment.length === 1 ? 'it' : 'them'}, which wins`);
    }
  }
}
