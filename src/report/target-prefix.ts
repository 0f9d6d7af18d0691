import { createColors } from 'picocolors';

const PALETTE = ['cyan', 'magenta', 'yellow', 'blue', 'green', 'red'] as const;

/**
 * With several targets, every line about one (gowatch's and its program's alike) starts with
 * its name, padded to the longest and coloured the same each time; with one target, nothing.
 */
export const targetPrefixes = (targets: readonly string[], color: boolean): ((target: string) => string) => {
  if (targets.length < 2) return () => '';
  const c = createColors(color);
  const width = Math.max(...targets.map((name) => name.length));
  return (target) => {
    const index = targets.indexOf(target);
    const paint = c[PALETTE[(index < 0 ? 0 : index) % PALETTE.length]!];
    return `${paint(target.padEnd(width))} ${c.dim('│')} `;
  };
};
