/**
 * An exception nothing caught, or a rejection nothing handled, ends gowatch as a failure of the
 * command does: said once (`report` says it and returns the exit status), then `exit`, whose
 * 'exit' listeners stop every program. Later ones, while leaving, are dropped: the first says
 * what went wrong. The CLI's own: the library installs no process handlers.
 */
export const reportUncaught = (report: (error: unknown) => Promise<number>, exit: (code: number) => void): void => {
  let reported = false;
  const onUncaught = (error: unknown) => {
    if (reported) return;
    reported = true;
    // Should saying it fail too, gowatch still leaves, with the status of a bug.
    void report(error).then(exit, () => exit(1));
  };
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
};
