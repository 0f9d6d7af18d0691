import { existsSync } from 'node:fs';
import path from 'node:path';
import { blameTarget, resolveRunOptions, type RunOptions, type TargetOptions } from '../config/options.js';
import { oneLine } from '../text/quote.js';
import { errorMessage, isGowatchError } from '../errors.js';
import { listClosure, type Closure } from '../go/closure.js';
import type { GoEnv } from '../go/env.js';
import { planWatch } from '../watch/plan.js';
import { gitIgnoresFor } from '../watch/gitignore.js';
import { compilePatterns } from '../watch/patterns.js';
import type { WatchRoot } from '../watch/watch-set.js';
import { bounded } from './bounded.js';
import { inspectionEnv, probeGo, type GoProbe } from './probe.js';
import { runGoBounded } from '../go/run-go-bounded.js';

/** Flags of `gowatch doctor`. */
export type DoctorFlags = {
  readonly cwd?: string;
  readonly config?: string;
  readonly names?: readonly string[];
  readonly json?: boolean;
  /** As gowatch run's --debug (and --debug=HOST:PORT): the debug addresses and dlv are checked as that run needs them. */
  readonly debug?: boolean;
  readonly debugListen?: string;
};

/** How long `go list -deps` of one target may take (a large repository on a cold cache takes seconds). */
export const GO_LIST_TIMEOUT_MS = 60_000;
/** How long finding the directories to watch (the crawl of the watched roots) may take. */
export const CRAWL_TIMEOUT_MS = 15_000;

/** Characters of go's (or the config loader's) words a finding shows. */
export const SHOWN = 400;

export type ConfigOutcome =
  | { readonly ok: true; readonly options: RunOptions }
  /** `usage`: the arguments (--cwd, a target name) are wrong; `config`: the file is. */
  | { readonly ok: false; readonly kind: 'config' | 'usage' | 'other'; readonly message: string };

/** One target as `gowatch run` would load it: its go env and closure, or why not. */
export type TargetListing = {
  readonly target: TargetOptions;
  readonly goEnv: GoEnv | undefined;
  readonly closure: Closure | undefined;
  /** Why the target cannot be built as it is, on one line. */
  readonly error: string | undefined;
};

const once = <T>(make: () => T): (() => T) => {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
};

/**
 * What several checks need, each computed once and shared: the config, the go probe, the
 * targets' closures and the watch plan. Each part is bounded in time by itself.
 */
export class DoctorContext {
  readonly flags: DoctorFlags;
  readonly env: NodeJS.ProcessEnv;
  /** Where doctor acts (--cwd), resolved. */
  readonly cwd: string;
  readonly #processCwd: string;

  constructor(flags: DoctorFlags, env: NodeJS.ProcessEnv = process.env, processCwd = process.cwd()) {
    this.flags = flags;
    this.env = env;
    this.#processCwd = processCwd;
    this.cwd = path.resolve(processCwd, flags.cwd ?? '.');
  }

  /** A directory go can run in even when --cwd names none (the config check says so). */
  get goCwd(): string {
    return existsSync(this.cwd) ? this.cwd : this.#processCwd;
  }

  readonly config = once((): ConfigOutcome => {
    try {
      return { ok: true, options: resolveRunOptions(
          { cwd: this.flags.cwd, config: this.flags.config, names: this.flags.names ?? [], debug: this.flags.debug, debugListen: this.flags.debugListen },
          this.#processCwd,
          this.env,
        ) };
    } catch (error) {
      const kind = isGowatchError(error) && (error.kind === 'config' || error.kind === 'usage') ? error.kind : 'other';
      return { ok: false, kind, message: oneLine(errorMessage(error), SHOWN) };
    }
  });

  /** The project root gowatch would use: the config's directory, else where doctor acts. */
  get projectRoot(): string {
    const config = this.config();
    return config.ok ? config.options.projectRoot : this.cwd;
  }

  readonly probe = once((): Promise<GoProbe> => probeGo(this.goCwd, this.env));

  /** `go env -json` in each target's directory (with GOTOOLCHAIN=local), read once per directory. */
  readonly #targetEnvs = new Map<string, Promise<{ ok: true; values: GoEnv } | { ok: false; message: string }>>();

  targetEnv(dir: string): Promise<{ ok: true; values: GoEnv } | { ok: false; message: string }> {
    let pending = this.#targetEnvs.get(dir);
    if (!pending) {
      pending = runGoBounded(['env', '-json'], dir, inspectionEnv(this.env)).then((outcome) => {
        if (!outcome.ok) return outcome;
        try {
          return { ok: true as const, values: JSON.parse(outcome.stdout) as GoEnv };
        } catch {
          return { ok: false as const, message: 'go env -json printed something that is not JSON' };
        }
      });
      this.#targetEnvs.set(dir, pending);
    }
    return pending;
  }

  /** Each target listed as `gowatch run` lists it, or undefined when the config cannot be read. */
  readonly targets = once(async (): Promise<TargetListing[] | undefined> => {
    const config = this.config();
    if (!config.ok) return undefined;
    const probe = await this.probe();
    return Promise.all(config.options.targets.map((target) => this.#list(target, probe)));
  });

  async #list(target: TargetOptions, probe: GoProbe): Promise<TargetListing> {
    if (!probe.env.ok) return { target, goEnv: undefined, closure: undefined, error: `not checked: ${probe.env.message}` };
    const goEnv = await this.targetEnv(target.target.cwd);
    if (!goEnv.ok) return { target, goEnv: undefined, closure: undefined, error: goEnv.message };
    try {
      const closure = await bounded(
        listClosure({ ...target.target, env: inspectionEnv(this.env), goEnv: goEnv.values }),
        GO_LIST_TIMEOUT_MS,
        `go list -deps ${target.target.pkg}`,
      );
      return { target, goEnv: goEnv.values, closure, error: undefined };
    } catch (error) {
      return { target, goEnv: goEnv.values, closure: undefined, error: oneLine(errorMessage(blameTarget(target, error)), SHOWN) };
    }
  }

  /**
   * The roots `gowatch run` would watch, with the directories it would prune, from the
   * closures that could be listed; undefined when none could.
   */
  readonly watchRoots = once(async (): Promise<WatchRoot[] | undefined> => {
    const listings = (await this.targets())?.filter((listing) => listing.closure) ?? [];
    if (listings.length === 0) return undefined;
    const watches = listings.map((listing) => ({ closure: listing.closure!, patterns: compilePatterns(listing.target.patterns), userPatterns: listing.target.patterns }));
    const config = this.config();
    const ignores = !config.ok || config.options.gitignore ? gitIgnoresFor(this.projectRoot) : undefined;
    return bounded(planWatch(this.projectRoot, watches, { ignores }), CRAWL_TIMEOUT_MS, 'finding the directories to watch');
  });
}
