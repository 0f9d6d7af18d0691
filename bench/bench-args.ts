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
