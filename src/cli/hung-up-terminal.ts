import { closeSync, openSync } from 'node:fs';
import { isatty } from 'node:tty';

/**
 * At exit, Node restores the settings of every stdio descriptor that was a terminal when it
 * started. On a terminal hung up since (its tmux pane or window closed) that fails, and Node 20
 * aborts — often with a crash on top — instead of exiting with gowatch's status. A hung-up
 * terminal answers no terminal request, so isatty turns false on it; such a descriptor is
 * pointed at /dev/null just before exit, and Node, finding another file there, leaves it alone.
 * Call it first thing. POSIX only: on Windows Node restores nothing.
 */
export const leaveHungUpTerminalAlone = (): void => {
  if (process.platform === 'win32') return;
  const terminals = [0, 1, 2].filter((fd) => isatty(fd));
  if (terminals.length === 0) return;
  process.once('exit', () => {
    for (const fd of terminals) if (!isatty(fd)) pointAtDevNull(fd);
  });
};

const pointAtDevNull = (fd: number): void => {
  try {
    closeSync(fd);
    // The lowest free descriptor is `fd`, unless another thread took it meanwhile: then Node
    // finds that other file there, or none, and leaves it alone all the same.
    const reopened = openSync('/dev/null', 'r+');
    if (reopened !== fd) closeSync(reopened);
  } catch {
    // Exiting: nothing is left to tell, and a failure here only means Node tries the reset.
  }
};
