import { statSync } from 'node:fs';
import { errorMessage, GowatchError } from '../errors.js';
import { errorEvent, type EventInput } from '../events.js';
import { SerialQueue } from '../serial-queue.js';
import type { RawListener, Subscription } from './backend.js';
import { chooseBackend, type BackendKind, type PollSetting } from './choose-backend.js';
import { environmentNote } from './environment.js';
import { watchLimitReason } from './limits.js';
import { subscribeNative } from './native.js';
import { pollerFromEnv, subscribePolling } from './polling.js';

export type WatchRoot = {
  readonly root: string;
  readonly ignoreDirs: readonly string[];
  /** Directories the crawl could not read: changes there cannot be seen, which is said once. */
  readonly unreadable: readonly string[];
  /** How many directories the watch keeps (each one inotify watch, or one directory a poll visits). */
  readonly kept: number;
};

export type Resubscribed = 'back' | 'replanned';

export type WatchSetOptions = {
  readonly poll: PollSetting;
  readonly pollIntervalMs: number;
  readonly env: NodeJS.ProcessEnv;
  readonly onPaths: RawListener;
  /**
   * A root was subscribed anew — it was moved away and back or re-created (`back`), or its plan
   * changed (`replanned`) — and what happened meanwhile is unknown.
   */
  readonly onResubscribed: (root: string, why: Resubscribed) => void;
  readonly emit: (event: EventInput) => void;
};

type Active = { readonly plan: WatchRoot; readonly subscription: Subscription; readonly identity: string | undefined };

/** How often each root is checked for having been moved away, deleted or re-created. */
const ROOT_CHECK_MS = 1000;

const samePlan = (a: WatchRoot, b: WatchRoot) =>
  a.root === b.root && a.ignoreDirs.length === b.ignoreDirs.length && a.ignoreDirs.every((d, i) => d === b.ignoreDirs[i]);

/** Device and inode: a re-created directory has the same path but another identity. */
const identityOf = (dir: string): string | undefined => {
  try {
    const stats = statSync(dir);
    return stats.isDirectory() ? `${stats.dev}:${stats.ino}` : undefined;
  } catch {
    return undefined;
  }
};

/** A subscription on a directory that is gone may fail to close: there is nothing left to release. */
const closeQuietly = (subscription: Subscription) => subscription.close().catch(() => undefined);

/**
 * The watched roots, each with the backend its filesystem calls for. `update` subscribes new
 * roots and drops old ones, so a closure that grows into ../lib extends the watch in place.
 * A root moved away and back, or deleted and re-created, loses its native watch silently:
 * each root's identity is checked (at once when an event names the root itself, else every
 * second) and a root that came back is subscribed again.
 */
export class WatchSet {
  readonly #options: WatchSetOptions;
  readonly #active = new Map<string, Active>();
  readonly #gone = new Set<string>();
  readonly #warnedUnreadable = new Set<string>();
  /** What the `watching` line last said of each root: a root subscribed again the same way is not said again. */
  readonly #said = new Map<string, string>();
  readonly #environment: string | undefined;
  /** Updates and re-subscriptions run one at a time. */
  readonly #queue = new SerialQueue();
  #guard: NodeJS.Timeout | undefined;

  constructor(options: WatchSetOptions) {
    this.#options = options;
    this.#environment = environmentNote(options.env);
  }

  /**
   * New roots are subscribed, dropped ones closed. A root whose plan changed is closed before it
   * is subscribed again — two native subscriptions of one directory share its inotify watches,
   * and closing the old one would silence the new — and is then read again as a whole
   * (`replanned`), so a write made in between is not lost.
   */
  update(plans: readonly WatchRoot[]): Promise<void> {
    return this.#queue.run(async () => {
      const replaced: Active[] = [];
      const replanned: string[] = [];
      for (const plan of plans) {
        const active = this.#active.get(plan.root);
        if (active && samePlan(active.plan, plan)) continue;
        if (active) {
          await closeQuietly(active.subscription);
          replanned.push(plan.root);
        }
        this.#active.set(plan.root, await this.#subscribe(plan));
      }
      const wanted = new Set(plans.map((plan) => plan.root));
      for (const [root, active] of this.#active) {
        if (wanted.has(root)) continue;
        this.#active.delete(root);
        this.#gone.delete(root);
        this.#said.delete(root);
        replaced.push(active);
      }
      await Promise.all(replaced.map((active) => closeQuietly(active.subscription)));
      for (const root of replanned) this.#options.onResubscribed(root, 'replanned');
      this.#guard ??= setInterval(() => this.#checkAll(), ROOT_CHECK_MS).unref();
    });
  }

  async close(): Promise<void> {
    clearInterval(this.#guard);
    await this.#queue.settled();
    const active = [...this.#active.values()];
    this.#active.clear();
    await Promise.all(active.map((a) => closeQuietly(a.subscription)));
  }

  #checkAll(): void {
    for (const root of this.#active.keys()) void this.#check(root, false);
  }

  /** `suspect`: an event named the root itself, so its watch may be gone even if its identity is not. */
  #check(root: string, suspect: boolean): Promise<void> {
    return this.#queue.run(async () => {
      const active = this.#active.get(root);
      if (!active) return;
      const identity = identityOf(root);
      if (identity === undefined) {
        if (!this.#gone.has(root)) {
          this.#gone.add(root);
          this.#options.emit({ event: 'warning', message: `${root} was moved away or deleted: watching for it to come back` });
        }
        return;
      }
      if (!suspect && !this.#gone.has(root) && identity === active.identity) return;
      this.#gone.delete(root);
      await closeQuietly(active.subscription);
      try {
        this.#active.set(root, await this.#subscribe(active.plan));
      } catch (error) {
        this.#options.emit(errorEvent(error));
        return;
      }
      this.#options.onResubscribed(root, 'back');
    }).catch(() => undefined);
  }

  async #subscribe(plan: WatchRoot): Promise<Active> {
    const { emit, pollIntervalMs } = this.#options;
    const identity = identityOf(plan.root);
    const onError = (error: Error) => {
      if (identityOf(plan.root) !== identity) void this.#check(plan.root, true);
      else emit({ event: 'error', kind: 'watch', message: `watching ${plan.root}: ${error.message}` });
    };
    const onPaths: RawListener = (paths) => {
      if (paths.includes(plan.root)) void this.#check(plan.root, true);
      this.#options.onPaths(paths);
    };
    const request = { root: plan.root, ignoreDirs: plan.ignoreDirs, onPaths, onError, onDenied: (dir: string) => this.#warnUnreadable(dir) };
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
    subscription ??= await subscribePolling({ ...request, intervalMs: pollIntervalMs, poller: pollerFromEnv(this.#options.env) });
    this.#sayWatching(plan.root, choice.kind, choice.reason);
    for (const dir of plan.unreadable) this.#warnUnreadable(dir);
    return { plan, subscription, identity };
  }

  /**
   * Said when a root is first watched, or watched another way: a plan that changed (another
   * target's needs, a gitignored directory made later) or a root that came back keeps its watch.
   */
  #sayWatching(root: string, backend: BackendKind, reason: string): void {
    const said = `${backend}\0${reason}`;
    if (this.#said.get(root) === said) return;
    this.#said.set(root, said);
    const environment = this.#environment;
    this.#options.emit({ event: 'watching', backend, reason, root, ...(environment ? { environment } : {}) });
  }

  /** A directory that cannot be read, found by the plan or by a backend later (its mode changed): said once. */
  #warnUnreadable(dir: string): void {
    if (this.#warnedUnreadable.has(dir)) return;
    this.#warnedUnreadable.add(dir);
    this.#options.emit({ event: 'warning', message: `cannot read ${dir} (permission denied): changes below it are not seen` });
  }
}
