/**
 * The terminal's bottom row, kept for the status line: a scrolling region over the rows above
 * it holds everything else. The programs write straight to the terminal (their stdout is
 * inherited), so gowatch cannot know when they write; inside the region their lines scroll as
 * usual and can never land on the status row, nor the status line on theirs. Each drawing is
 * one write, so it does not interleave with a program's write either.
 */
export type StatusTerminal = {
  /** `paint` colours the text once it is cut to the terminal's width (escape codes take no columns). */
  readonly show: (text: string, paint?: (text: string) => string) => void;
  /** Clears the rows above the status line (go.run.clearScreen), the cursor at the top. */
  readonly clear: () => void;
  /** Gives the terminal back as it was: the whole screen scrolls again, the status row is blank, the cursor is shown. */
  readonly close: () => void;
};

const ESC = '\x1b';
const SAVE = `${ESC}7`;
const RESTORE = `${ESC}8`;
/** Down a row (scrolling at the bottom), then up again: makes room below the cursor, column kept. */
const MAKE_ROOM = `${ESC}D${ESC}M`;
const WHOLE_SCREEN = `${ESC}[r`;
const ERASE_BELOW = `${ESC}[J`;
const ERASE_LINE = `${ESC}[2K`;
const SHOW_CURSOR = `${ESC}[?25h`;

/** Fewer rows leave no room for the programs' lines above the status line. */
const MIN_ROWS = 3;

export type StatusStream = {
  readonly rows: number;
  readonly columns: number;
  readonly write: (text: string) => unknown;
  readonly on: (event: 'resize', listener: () => void) => unknown;
  readonly off: (event: 'resize', listener: () => void) => unknown;
};

export const statusTerminal = (stream: StatusStream): StatusTerminal => {
  let reserved = 0;
  let shown = '';
  let paint = (text: string) => text;
  let closed = false;
  const reserve = () => {
    reserved = stream.rows >= MIN_ROWS ? stream.rows : 0;
    if (reserved > 0) stream.write(`${MAKE_ROOM}${SAVE}${ESC}[1;${reserved - 1}r${RESTORE}`);
  };
  const draw = () => {
    if (reserved === 0) return;
    // One column short of the width: a full row would wrap on some terminals.
    const fitted = shown.length >= stream.columns ? `${shown.slice(0, Math.max(0, stream.columns - 2))}…` : shown;
    stream.write(`${SAVE}${ESC}[${reserved};1H${ERASE_LINE}${paint(fitted)}${RESTORE}`);
  };
  const resized = () => {
    // The terminal moved the rows: the old status line is somewhere below the cursor.
    if (reserved > 0) stream.write(`${SAVE}${WHOLE_SCREEN}${RESTORE}${ERASE_BELOW}`);
    reserve();
    draw();
  };
  stream.on('resize', resized);
  return {
    show: (text, painter = (plain) => plain) => {
      if (closed || text === shown) return;
      if (shown === '') reserve();
      shown = text;
      paint = painter;
      draw();
    },
    clear: () => {
      if (closed) return;
      if (shown === '') reserve();
      stream.write(`${ESC}[H${ESC}[2J`);
      draw();
    },
    close: () => {
      if (closed) return;
      closed = true;
      stream.off('resize', resized);
      // Erased from the cursor down, not at a row: a resize not yet heard of may have moved it.
      if (reserved > 0) stream.write(`${SAVE}${WHOLE_SCREEN}${RESTORE}${ERASE_BELOW}${SHOW_CURSOR}`);
    },
  };
};
