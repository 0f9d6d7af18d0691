import { lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GowatchError } from '../errors.js';

export type PlannedFile = {
  /** Absolute path. */
  readonly file: string;
  /** How messages name it: relative to where init writes. */
  readonly shown: string;
  readonly content: string | Uint8Array;
};

export type WrittenFile = PlannedFile & { readonly replaced: boolean };

/** Anything at all, a dangling link too: init never writes over something it did not look at. */
const occupied = (file: string): boolean => lstatSync(file, { throwIfNoEntry: false }) !== undefined;

const cannotWrite = (file: PlannedFile, error: unknown): GowatchError =>
  new GowatchError('usage', `cannot write ${file.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 1);

const listed = (names: readonly string[]): string =>
  names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;

/**
 * Replaces through a rename, so a link at `file` is replaced rather than the file it points
 * to, and a reader never sees half a file.
 */
const replace = (planned: PlannedFile): void => {
  const temporary = `${planned.file}.gowatch-init-${process.pid}`;
  try {
    writeFileSync(temporary, planned.content);
    renameSync(temporary, planned.file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
};

const write = (planned: PlannedFile, replacing: boolean): void => {
  try {
    mkdirSync(path.dirname(planned.file), { recursive: true });
    if (replacing) {
      replace(planned);
    } else {
      // "wx": created here or not at all, even if something appeared since the check.
      writeFileSync(planned.file, planned.content, { flag: 'wx' });
    }
  } catch (error) {
    throw cannotWrite(planned, error);
  }
};

/**
 * Writes every file, or none: without `force`, anything already at one of the paths stops
 * them all, and what is there stays byte for byte. `dir` is where the files go, for the message.
 */
export const writeFiles = (dir: string, files: readonly PlannedFile[], force: boolean): WrittenFile[] => {
  const existing = files.filter((planned) => occupied(planned.file));
  if (existing.length > 0 && !force) {
    const names = existing.map((planned) => planned.shown);
    const them = names.length === 1 ? 'it' : 'them';
    throw new GowatchError('usage', `${listed(names)} already ${names.length === 1 ? 'exists' : 'exist'} in ${dir}; nothing was written (gowatch init --force replaces ${them})`, 1);
  }
  for (const planned of files) write(planned, existing.includes(planned));
  return files.map((planned) => ({ ...planned, replaced: existing.includes(planned) }));
};
