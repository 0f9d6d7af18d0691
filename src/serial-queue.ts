/**
 * Tasks run one at a time, each once every task queued before it has ended, whatever that
 * task's outcome: one failure never stops the ones after it.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  /** Runs `task` in turn; its result, or its failure, is the caller's. */
  run<T>(task: () => T | PromiseLike<T>): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /**
   * Runs `task` in turn for a caller that does not wait for it: a failure goes to `report`, in
   * the task's own turn, so it is told before the next task starts. Resolves once it ended.
   */
  push(task: () => void | PromiseLike<void>, report: (error: unknown) => void): Promise<void> {
    return this.run(async () => {
      try {
        await task();
      } catch (error) {
        report(error);
      }
    });
  }

  /** Resolves once every task queued so far has ended. */
  async settled(): Promise<void> {
    await this.#tail;
  }
}
