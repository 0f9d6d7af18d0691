import type { EventInput } from '../report/events.js';
import type { RawListener, Subscription } from './backend.js';
import { chooseBackend, type BackendChoice, type PollSetting } from './choose-backend.js';
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

type Active = { readonly plan: WatchRoot; readonly subscription: Subscription; readonly choice: BackendChoice };

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

  get roots(): ReadonlyMap<string, BackendChoice> {
    return new Map([...this.#active].map(([root, active]) => [root, active.choice]));
  }

  async update(plans: readonly WatchRoot[]): Promise<void> {
    const wanted = new Map(plans.map((plan) => [plan.root, plan]));
    for (const [root, active] of this.#active) {
      if (!wanted.has(root) || !samePlan(active.plan, wanted.get(root)!)) {
        this.#active.delete(root);
        await active.subscription.close();
      }
    }
    for (const plan of plans) {
      if (!this.#active.has(plan.root)) this.#active.set(plan.root, await this.#subscribe(plan));
    }
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
        if (!reason) throw error;
        choice = { kind: 'polling', reason };
      }
    }
    subscription ??= await subscribePolling({ ...request, intervalMs: pollIntervalMs });
    emit({ event: 'watching', backend: choice.kind, reason: choice.reason, root: plan.root });
    return { plan, subscription, choice };
  }
}
