import { setFlagsFromString } from 'node:v8';

/**
 * Two V8 settings that keep gowatch's resident memory small while it waits for changes, set
 * before any command runs (only the CLI's own modules are loaded then), while the heap is still small. Both are read by V8 as it goes; the flags read only
 * when the heap is made would need a re-exec, a second Node. The CLI's own: the library leaves
 * its host's V8 alone.
 *
 * - The young generation stays at its initial size. V8 doubles it whenever many objects survive
 *   a scavenge (the start-up walk of a big tree, go list's JSON of a large closure) and does not
 *   give the pages back. Short-lived objects then take more, smaller scavenges.
 * - Only code that runs a lot is optimized: the interrupt budget, V8's count of work before it
 *   considers optimizing a function, is raised well above its default. Start-up code runs a
 *   few times, and optimizing it cost memory (compiler zones, optimized code) and time for
 *   nothing; a polling sweep's loop still gets optimized.
 */
export const keepFootprintSmall = (): void => {
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--interrupt-budget=1000000');
};
