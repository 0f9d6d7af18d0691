import type { Closure } from '../go/closure.js';
import { SerialQueue } from '../serial-queue.js';
import type { GitIgnores } from '../watch/gitignore.js';
import type { PatternSet } from '../watch/patterns.js';
import { isDirectory } from '../paths.js';
import type { WatchSet } from '../watch/watch-set.js';
import { crawlRules, watchRules, type TargetWatch, type WatchRules } from '../watch/plan.js';


/**
 * The one place that owns what is watched: the union of every target's needs. A target that
 * adopts a new closure reports it here; the plan (a walk of the tree) is redone only when
 * what it is made from moved, and updates apply one at a time, each from every target's latest.
 */
export class WatchPlans {
  readonly #projectRoot: string;
  readonly #watchSet: WatchSet;
  readonly #targets = new Map<string, TargetWatch>();
  readonly #ignores: GitIgnores | undefined;
  #planned: string | undefined;
  /** The rules of the last plan, and what it pruned: a directory already left out needs no new plan. */
  #rules: WatchRules | undefined;
  #pruned = new Set<string>();
  readonly #queue = new SerialQueue();

  constructor(projectRoot: string, watchSet: WatchSet, ignores: GitIgnores | undefined) {
    this.#projectRoot = projectRoot;
    this.#watchSet = watchSet;
    this.#ignores = ignores;
  }

  /** Resolves once what `target` needs is watched. */
  update(target: string, closure: Closure, patterns: PatternSet, userPatterns: readonly string[], envFiles: Iterable<string> = []): Promise<void> {
    this.#targets.set(target, { closure, patterns, userPatterns, envFiles: [...envFiles] });
    return this.#replan(false);
  }

  /** A .gitignore changed: what is ignored is read again, and the watch follows. */
  ignoresChanged(): Promise<void> {
    this.#ignores?.forget();
    return this.#replan(true);
  }

  /**
   * Changed paths: a directory made after the plan that the plan would prune (an `npm install`'s
   * node_modules, a gitignored build/) would otherwise be watched, and cost, until the next plan.
   */
  pathsChanged(paths: Iterable<string>): void {
    const rules = this.#rules;
    if (!rules) return;
    for (const file of paths) {
      if (!this.#pruned.has(file) && rules.decide(file) === 'prune' && isDirectory(file)) {
        void this.#replan(true);
        return;
      }
    }
  }

  #replan(force: boolean): Promise<void> {
    return this.#queue.run(async () => {
      const inputs = [...this.#targets.values()];
      const planned = JSON.stringify(inputs.map(({ closure: c, envFiles }) => [c.moduleDirs, [...c.packageDirs], c.moduleFiles, c.unresolved, envFiles]));
      if (planned === this.#planned && !force) return;
      const rules = watchRules(this.#projectRoot, inputs, { ignores: this.#ignores });
      const plan = await crawlRules(rules);
      await this.#watchSet.update(plan);
      this.#planned = planned;
      this.#rules = rules;
      this.#pruned = new Set(plan.flatMap((root) => root.ignoreDirs));
    });
  }
}
