import { existsSync } from 'node:fs';
import path from 'node:path';
import { GowatchError } from '../errors.js';
import { fetchProfile } from './fetch.js';
import type { ProfileKind } from './kinds.js';
import type { ProfileSource } from './source.js';
import type { ProfileStore } from './store.js';
import { topEntries, type PprofOptions, type TopEntry } from './top.js';

/** What `gowatch profile` and watcher.profile() ask for. */
export type ProfileRequest = {
  readonly kind: ProfileKind;
  /** How long a CPU profile records (kind "cpu" only). */
  readonly cpuSeconds?: number;
  /** An earlier profile of the same kind: the top entries are then what changed since. */
  readonly base?: string;
};

export type RequestedProfile = {
  /** Where the profile was written, in the target's store. */
  readonly file: string;
  /** Its top functions by flat value (or by change since the base), as `go tool pprof -top` lists them. */
  readonly top: readonly TopEntry[];
};

/** How long a program may take to answer (a CPU profile's seconds come on top). */
export const REQUEST_TIMEOUT_MS = 30_000;

/** Rows of the top table a request gives. */
export const REQUEST_TOP_COUNT = 10;

/** `base` as a file `go tool pprof` can be given, or a one-line refusal naming it. */
const checkedBase = (base: string | undefined, cwd: string): string | undefined => {
  if (base === undefined) return undefined;
  const file = path.resolve(cwd, base);
  if (!existsSync(file)) throw new GowatchError('usage', `the base profile ${file} does not exist; give a profile gowatch wrote (gowatch profile prints their paths)`);
  return file;
};

/**
 * Captures one profile of the running program, saves it in the store (trigger "request") and
 * reads its top entries. Every failure is a one-line GowatchError.
 */
export const requestProfile = async (
  source: ProfileSource,
  store: ProfileStore,
  key: string,
  request: ProfileRequest,
  options: { readonly cwd: string; readonly pprof: PprofOptions; readonly signal?: AbortSignal },
): Promise<RequestedProfile> => {
  const base = checkedBase(request.base, options.cwd);
  const data = await fetchProfile(source, request.kind, {
    timeoutMs: REQUEST_TIMEOUT_MS,
    ...(request.cpuSeconds === undefined ? {} : { cpuSeconds: request.cpuSeconds }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const file = await store.save(data, { trigger: 'request', kind: request.kind, key, at: new Date() });
  const top = await topEntries({ ...options.pprof, file, kind: request.kind, count: REQUEST_TOP_COUNT, ...(base === undefined ? {} : { base }) });
  return { file, top };
};
