import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { ProcessRef } from './boundary.js';

/** The program a gowatch run started, as remembered on disk. */
export type LedgerRecord = ProcessRef & { readonly binary: string };

/** What the record says, plus the gowatch process that wrote it. */
export type StoredRecord = LedgerRecord & { readonly owner: Omit<ProcessRef, 'runId'> };

export type Ledger = {
  save(record: LedgerRecord): Promise<void>;
  clear(): Promise<void>;
};

const isRecord = (value: unknown): value is StoredRecord => {
  const v = value as Partial<StoredRecord> | null;
  return typeof v?.pid === 'number' && typeof v.runId === 'string' && typeof v.binary === 'string' && typeof v.owner?.pid === 'number';
};

/** The record left in `file`, or undefined when there is none (or it is unreadable: nothing to act on). */
export const readLedger = async (file: string): Promise<StoredRecord | undefined> => {
  try {
    const value: unknown = JSON.parse(await readFile(file, 'utf8'));
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
};

/**
 * A one-file ledger in the target's cache directory: written when a program starts, removed
 * when gowatch stops it for good. A record that outlives its gowatch marks a leftover.
 */
export const fileLedger = (file: string, owner: Omit<ProcessRef, 'runId'>): Ledger => ({
  save: async (record) => {
    const partial = `${file}.partial`;
    await writeFile(partial, JSON.stringify({ ...record, owner } satisfies StoredRecord));
    await rename(partial, file);
  },
  clear: () => rm(file, { force: true }),
});
