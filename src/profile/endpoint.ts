import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { RunOptions, TargetOptions } from '../config/options.js';
import { targetDirOf } from '../go/target-dir.js';
import type { ProfileSource } from './source.js';

/**
 * What a running gowatch records of where its program's profiles are, in the target's cache
 * directory, so that another gowatch command finds them without a port to remember.
 */
const RECORD_FILE = 'profile.json';

const recordSchema = z.object({
  target: z.string(),
  source: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('socket'), socketPath: z.string() }),
    z.object({ kind: z.literal('url'), baseUrl: z.string() }),
  ]),
});
type ProfileRecord = z.infer<typeof recordSchema>;

/** Says where the target's profiles are; written whole (a reader never sees half a record). */
export const recordProfileEndpoint = async (dir: string, target: string, source: ProfileSource): Promise<void> => {
  const file = path.join(dir, RECORD_FILE);
  const partial = `${file}.${process.pid}.tmp`;
  await writeFile(partial, `${JSON.stringify({ target, source } satisfies ProfileRecord)}\n`, { mode: 0o600 });
  await rename(partial, file);
};

/** A run without profiling leaves no record of an earlier run's endpoint. */
export const forgetProfileEndpoint = (dir: string): Promise<void> => rm(path.join(dir, RECORD_FILE), { force: true });

/** The recorded endpoint of `target` in the cache directory `dir`, or undefined when none (or no readable one) is there. */
export const readProfileEndpoint = async (dir: string, target: string): Promise<ProfileSource | undefined> => {
  try {
    const record = recordSchema.parse(JSON.parse(await readFile(path.join(dir, RECORD_FILE), 'utf8')));
    return record.target === target ? record.source : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Where the profiles of `target` are, as the gowatch that runs it (or last ran it with
 * profiling on) recorded: `gowatch profile` and the library look here. Undefined when no run
 * with go.run.profile on has left a record; whether a program answers there is for the fetch to find.
 */
export const findProfileEndpoint = (options: RunOptions, target: TargetOptions): Promise<ProfileSource | undefined> =>
  readProfileEndpoint(targetDirOf(options, target), target.name);
