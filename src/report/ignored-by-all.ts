/**
 * Which edits every target lets pass, from each target's latest word on each file: a Go file
 * one target leaves out may be another's build, and that edit is no ignored edit to the user.
 */
export class IgnoredByAll {
  readonly #targets: readonly string[];
  /** File → target → whether that target's latest word on it was "ignored". */
  readonly #views = new Map<string, Map<string, boolean>>();

  /** `targets`: the targets running; without them, each target is taken to be the only one. */
  constructor(targets: readonly string[]) {
    this.#targets = targets;
  }

  /** `target` told of a change to `files` (it may ignore some: its skips follow). */
  told(target: string, files: readonly string[]): void {
    for (const file of files) this.#view(file).set(target, false);
  }

  /** `target` ignores `files`: returns those every target now ignores. */
  ignored(target: string, files: readonly string[]): string[] {
    for (const file of files) this.#view(file).set(target, true);
    const all = this.#targets.length > 0 ? this.#targets : [target];
    return files.filter((file) => all.every((name) => this.#views.get(file)?.get(name) === true));
  }

  /** Nothing more to decide: the views are dropped. */
  clear(): void {
    this.#views.clear();
  }

  #view(file: string): Map<string, boolean> {
    let view = this.#views.get(file);
    if (!view) this.#views.set(file, (view = new Map()));
    return view;
  }
}
