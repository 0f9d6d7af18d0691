/** What both backends offer: absolute paths of changed files, and a way to stop. */
export type RawListener = (paths: readonly string[]) => void;
export type Subscription = { close(): Promise<void> };

export type SubscribeRequest = {
  readonly root: string;
  /** Absolute directories not to watch at all (pruned, costing no watch). */
  readonly ignoreDirs: readonly string[];
  readonly onPaths: RawListener;
  readonly onError: (error: Error) => void;
  /** A watched directory that cannot be read (permission denied), met after the plan was made: the caller says so once. */
  readonly onDenied?: (dir: string) => void;
};
