import { label } from '../text/quote.js';
import { filesystemType, isBlindFilesystem } from './fs-type.js';

export type BackendKind = 'native' | 'polling';
export type BackendChoice = { readonly kind: BackendKind; readonly reason: string };
export type PollSetting = 'auto' | boolean;

const TRUE = /^(1|true|yes|on)$/i;
const FALSE = /^(0|false|no|off)$/i;

/**
 * Why GOWATCH_POLL cannot be read, or undefined. It is gowatch's own switch, so a value that is
 * neither yes nor no is a mistake to say; CHOKIDAR_USEPOLLING belongs to other tools too, and
 * a value they accept but gowatch does not is passed over.
 */
export const pollEnvProblem = (env: NodeJS.ProcessEnv): string | undefined => {
  const value = env['GOWATCH_POLL'];
  if (value === undefined || value === '' || TRUE.test(value) || FALSE.test(value)) return undefined;
  return `GOWATCH_POLL=${label(value)}: expected 1, true, yes or on (poll) or 0, false, no or off (native events); unset it to let gowatch choose`;
};

/** GOWATCH_POLL, then the convention chokidar users already set in their containers. */
const pollFromEnv = (env: NodeJS.ProcessEnv): BackendChoice | undefined => {
  for (const name of ['GOWATCH_POLL', 'CHOKIDAR_USEPOLLING']) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    if (TRUE.test(value)) return { kind: 'polling', reason: `${name}=${value}` };
    if (FALSE.test(value)) return { kind: 'native', reason: `${name}=${value}` };
  }
  return undefined;
};

/**
 * Native events unless they cannot be trusted for this root. Being in a container decides
 * nothing by itself: the filesystem of the watched directory does.
 */
export const chooseBackend = (root: string, setting: PollSetting, env: NodeJS.ProcessEnv): BackendChoice => {
  if (setting === true) return { kind: 'polling', reason: 'polling requested (go.watch.poll / --poll)' };
  if (setting === false) return { kind: 'native', reason: 'native events requested (go.watch.poll / --no-poll)' };
  const fromEnv = pollFromEnv(env);
  if (fromEnv) return fromEnv;
  const type = filesystemType(root);
  if (type && isBlindFilesystem(type)) {
    return { kind: 'polling', reason: `${root} is on ${type}, where native events miss changes made outside this system` };
  }
  return { kind: 'native', reason: type ? `${type} delivers native events` : 'native events' };
};
