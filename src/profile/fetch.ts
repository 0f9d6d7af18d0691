import http from 'node:http';
import https from 'node:https';
import { oneLine, shownPath } from '../text/quote.js';
import { GowatchError } from '../errors.js';
import { MAX_CPU_SECONDS, type ProfileKind } from './kinds.js';
import type { ProfileSource } from './source.js';

export type FetchOptions = {
  /** How long a CPU profile records; required for "cpu", whose answer comes after that long. */
  readonly cpuSeconds?: number;
  /** The most the answer may take (for "cpu": on top of its seconds). */
  readonly timeoutMs: number;
  /** Stops the fetch, e.g. when gowatch stops. */
  readonly signal?: AbortSignal;
};

/**
 * The most a profile may weigh: profiles are compressed and of a live heap's call sites, not its
 * contents, so a larger answer is no profile (or no program gowatch should hold in memory).
 */
export const MAX_PROFILE_BYTES = 128 * 1024 * 1024;

/** Characters of an error answer a message shows. */
const SHOWN_ANSWER = 200;

/** net/http/pprof's names, after the base URL: heap after a GC, as the injected server does. */
const pprofPath = (kind: ProfileKind, seconds: number | undefined): string =>
  kind === 'heap' ? 'heap?gc=1' : kind === 'cpu' ? `profile?seconds=${seconds}` : kind;

/** What is asked for, and how messages name it. */
type Target = { readonly url: URL; readonly socketPath: string | undefined; readonly where: string };

const targetOf = (source: ProfileSource, kind: ProfileKind, seconds: number | undefined): Target => {
  if (source.kind === 'socket') {
    const query = kind === 'cpu' ? `?seconds=${seconds}` : '';
    return { url: new URL(`http://gowatch/profile/${kind}${query}`), socketPath: source.socketPath, where: `the program's profile socket ${shownPath(source.socketPath)}` };
  }
  const url = new URL(pprofPath(kind, seconds), source.baseUrl);
  return { url, socketPath: undefined, where: url.href };
};

/** Why a connection failed, in words; the system's code when there are none. */
const connectionProblem = (error: NodeJS.ErrnoException): string => {
  switch (error.code) {
    case 'ENOENT':
      return 'no socket is there (is the program running under gowatch?)';
    case 'ECONNREFUSED':
      return 'connection refused (is the program running?)';
    case 'EACCES':
      return 'permission denied';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'the connection was closed before the profile was complete';
    default:
      return error.code ?? error.message;
  }
};

/** A gzip stream's first bytes: every profile runtime/pprof writes is gzip-compressed protobuf. */
const isGzip = (body: Buffer) => body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b;

const request = (target: Target, signal: AbortSignal): Promise<{ status: number; body: Buffer }> =>
  new Promise((resolve, reject) => {
    const get = target.url.protocol === 'https:' ? https.get : http.get;
    // A connection of its own (no agent): one request, then nothing is left open.
    const req = get(target.url, { signal, agent: false, ...(target.socketPath === undefined ? {} : { socketPath: target.socketPath }) }, (response) => {
      const chunks: Buffer[] = [];
      let length = 0;
      response.on('data', (chunk: Buffer) => {
        length += chunk.length;
        if (length > MAX_PROFILE_BYTES) {
          req.destroy(new GowatchError('profile', `${target.where} sent more than ${MAX_PROFILE_BYTES / 1024 / 1024} MiB: too large for a profile`));
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    req.on('error', reject);
  });

/**
 * One profile of the running program, as go tool pprof reads it. Every failure is a one-line
 * GowatchError of kind "profile": nothing listening, no answer within the bound (a stopped or
 * deadlocked program), an HTTP error, an answer that is no profile.
 */
export const fetchProfile = async (source: ProfileSource, kind: ProfileKind, options: FetchOptions): Promise<Buffer> => {
  const seconds = options.cpuSeconds;
  if (kind === 'cpu' && (seconds === undefined || !Number.isInteger(seconds) || seconds < 1 || seconds > MAX_CPU_SECONDS)) {
    throw new GowatchError('profile', `a CPU profile takes a whole number of seconds from 1 to ${MAX_CPU_SECONDS}, got ${seconds ?? 'none'}`);
  }
  const target = targetOf(source, kind, seconds);
  const boundMs = options.timeoutMs + (kind === 'cpu' ? seconds! * 1000 : 0);
  const timeout = AbortSignal.timeout(boundMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  let answer: { status: number; body: Buffer };
  try {
    answer = await request(target, signal);
  } catch (error) {
    if (error instanceof GowatchError) throw error;
    if (options.signal?.aborted) throw new GowatchError('profile', `the capture from ${target.where} was canceled`);
    if (timeout.aborted) throw new GowatchError('profile', `no answer from ${target.where} within ${boundMs / 1000} s (is the program stopped or stuck?)`);
    throw new GowatchError('profile', `cannot reach ${target.where}: ${connectionProblem(error as NodeJS.ErrnoException)}`);
  }
  const { status, body } = answer;
  if (status !== 200) {
    const said = oneLine(body.toString('utf8'), SHOWN_ANSWER);
    throw new GowatchError('profile', `${target.where} answered HTTP ${status}${said ? `: ${said}` : ''}`);
  }
  if (!isGzip(body)) throw new GowatchError('profile', `${target.where} answered with something that is not a profile (expected gzip-compressed protobuf, as net/http/pprof sends)`);
  return body;
};
