import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root and the built CLI that the benches run. */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = path.join(REPO, 'dist', 'src', 'cli', 'main.js');

/** A bench's own arguments. */
export const benchArgv = process.argv.slice(2);

/** The number after `flag`, or `fallback`. */
export const numberOption = (flag: string, fallback: number): number => {
  const index = benchArgv.indexOf(flag);
  return index === -1 ? fallback : Number(benchArgv[index + 1]);
};

/** The comma-separated names after `flag`, or undefined when it is not given. */
export const listOption = (flag: string): readonly string[] | undefined => {
  const index = benchArgv.indexOf(flag);
  return index === -1 ? undefined : (benchArgv[index + 1] ?? '').split(',').filter(Boolean);
};

/** The text after `flag`, or undefined when it is not given. */
export const stringOption = (flag: string): string | undefined => {
  const index = benchArgv.indexOf(flag);
  return index === -1 ? undefined : benchArgv[index + 1];
};
