import type { Closure } from '../go/closure.js';
import type { PatternSet } from '../watch/patterns.js';
import type { WatchSet } from '../watch/watch-set.js';
import { planWatch, type TargetWatch } from './watch-plan.js';

/**
 * The one place that owns what is watched: the union of every target's needs. A target that
 * adopts a new closure reports it here; the plan (a walk of the tree) is redone only when
 * what it is made from moved, and updates apply one at a time, each from every target's latest.
 */
export class WatchPlans {
  readonly #projectRoot: string;
  readonly #watchSet: WatchSet;
  readonly #targets = new Map<string, TargetWatch>();
  #planned: string | undefined;
  #serial: Promise<void> = Promise.resolve();

  constructor(projectRoot: string, watchSet: WatchSet) {
    this.#projectRoot = projectRoot;
    this.#watchSet = watchSet;
  }

  /** Resolves once what `target` needs is watched. */
  update(target: string, closure: Closure, patterns: PatternSet): Promise<void> {
    this.#targets.set(target, { closure, patterns });
    const next = this.#serial.then(async () => {
      const inputs = [...this.#targets.values()];
      const planned = JSON.stringify(inputs.map(({ closure: c }) => [c.moduleDirs, [...c.packageDirs], c.moduleFiles]));
      if (planned === this.#planned) return;
      await this.#watchSet.update(await planWatch(this.#projectRoot, inputs));
      this.#planned = planned;
    });
    this.#serial = next.catch(() => undefined);
    return next;
  }
}
