import { errorMessage, GowatchError } from '../errors.js';
import type { EventInput } from '../report/events.js';
import type { RawListener, Subscription } from './backend.js';
import { chooseBackend, type PollSetting } from './choose-backend.js';
import { watchLimitReason } from './limits.js';
import { subscribeNative } from './native.js';
import { subscribePolling } from './polling.js';

export type WatchRoot = { readonly root: string; readonly ignoreDirs: readonly string[] };

export type WatchSetOptions = {
  readonly poll: PollSetting;
  readonly pollIntervalMs: number;
  readonly env: NodeJS.ProcessEnv;
  readonly onPaths: RawListener;
  readonly emit: (event: EventInput) => void;
};

type Active = { readonly plan: WatchRoot; readonly subscription: Subscription };

const samePlan = (a: WatchRoot, b: WatchRoot) =>
  a.root === b.root && a.ignoreDirs.length === b.ignoreDirs.length && a.ignoreDirs.every((d, i) => d === b.ignoreDirs[i]);

/**
 * The watched roots, each with the backend its filesystem calls for. `update` subscribes new
 * roots and drops old ones, so a closure that grows into ../lib extends the watch in place.
 */
export class WatchSet {
  readonly #options: WatchSetOptions;
  readonly #active = new Map<string, Active>();

  constructor(options: WatchSetOptions) {
    this.#options = options;
  }

  /**
   * New and changed roots are subscribed before the subscriptions they replace are closed:
   * for a moment both report (the debouncer merges duplicates), and no write falls between.
   */
  async update(plans: readonly WatchRoot[]): Promise<void> {
    const replaced: Active[] = [];
    for (const plan of plans) {
      const active = this.#active.get(plan.root);
      if (active && samePlan(active.plan, plan)) continue;
      this.#active.set(plan.root, await this.#subscribe(plan));
      if (active) replaced.push(active);
    }
    const wanted = new Set(plans.map((plan) => plan.root));
    for (const [root, active] of this.#active) {
      if (wanted.has(root)) continue;
      this.#active.delete(root);
      replaced.push(active);
    }
    await Promise.all(replaced.map((active) => active.subscription.close()));
  }

  async close(): Promise<void> {
    const active = [...this.#active.values()];
    this.#active.clear();
    await Promise.all(active.map((a) => a.subscription.close()));
  }

  async #subscribe(plan: WatchRoot): Promise<Active> {
    const { onPaths, emit, pollIntervalMs } = this.#options;
    const onError = (error: Error) => emit({ event: 'error', message: `watching ${plan.root}: ${error.message}` });
    const request = { root: plan.root, ignoreDirs: plan.ignoreDirs, onPaths, onError };
    let choice = chooseBackend(plan.root, this.#options.poll, this.#options.env);
    let subscription: Subscription | undefined;
    if (choice.kind === 'native') {
      try {
        subscription = await subscribeNative(request);
      } catch (error) {
        const reason = watchLimitReason(error);
        if (!reason) throw new GowatchError('watch', `cannot watch ${plan.root}: ${errorMessage(error)}`);
        choice = { kind: 'polling', reason };
      }
    }
    subscription ??= await subscribePolling({ ...request, intervalMs: pollIntervalMs });
    emit({ event: 'watching', backend: choice.kind, reason: choice.reason, root: plan.root });
    return { plan, subscription };
  }
}
