import { createColors } from 'picocolors';
import type { EventSink, GowatchEvent } from '../events.js';
import { statusLine } from './status-line.js';
import type { StatusTerminal } from './status-terminal.js';

/** How often a building or backing-off status is redrawn: its seconds count. */
const TICK_MS = 1000;

export type StatusReporter = {
  /** Called before gowatch's line of the event is written: the screen is cleared first. */
  readonly before: EventSink;
  /** Called after it: the status line follows the event. */
  readonly sink: EventSink;
  readonly close: () => void;
};

export type StatusReporterOptions = {
  readonly targets: readonly string[];
  readonly color: boolean;
  /** go.run.clearScreen: clear the screen when a build starts while no other target builds. */
  readonly clearScreen?: boolean;
  readonly nowMs?: () => number;
};

/**
 * The status line on a terminal that can redraw it: drawn after every event, and once a
 * second while a build runs or a back-off is waited out.
 */
export const statusReporter = (terminal: StatusTerminal, { targets, color, clearScreen = false, nowMs = Date.now }: StatusReporterOptions): StatusReporter => {
  const c = createColors(color);
  const status = statusLine(targets, nowMs());
  let timer: NodeJS.Timeout | undefined;
  const paint = { failed: c.red, troubled: c.yellow, busy: c.cyan, fine: c.green } as const;
  const draw = () => {
    terminal.show(status.text(nowMs()), paint[status.tone()]);
    if (status.ticking() && !timer) {
      timer = setInterval(draw, TICK_MS);
      // The line is decoration: it keeps no gowatch alive that would otherwise end.
      timer.unref();
    } else if (!status.ticking() && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  return {
    before: (event: GowatchEvent) => {
      // A build that starts while another runs belongs to the same save: its lines stay.
      if (clearScreen && event.event === 'build-start' && !status.building()) terminal.clear();
    },
    sink: (event: GowatchEvent) => {
      status.update(event);
      draw();
    },
    close: () => {
      clearInterval(timer);
      terminal.close();
    },
  };
};
