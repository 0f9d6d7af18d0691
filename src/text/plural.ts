/** The noun for `count` of it: `many` names irregular plurals ("binary", "binaries"). */
export const noun = (count: number, one: string, many = `${one}s`): string => (count === 1 ? one : many);

/** "1 file", "2 files", "1 binary", "3 binaries": every count a person reads goes through here. */
export const plural = (count: number, one: string, many?: string): string => `${count} ${noun(count, one, many)}`;
