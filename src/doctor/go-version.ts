/**
 * Go version strings as the go command orders them (cmd/go/internal/gover): a language
 * version "1.26" comes before its release candidates "1.26rc1", which come before the
 * release "1.26.0". A toolchain name is "go" + version ("go1.26.8"), maybe with a suffix.
 */
type Parsed = { major: number; minor: number; stage: number; pre: number; patch: number };

/** Stages: a bare language version, then alpha, beta, rc, then releases. */
const STAGES: Record<string, number> = { '': 0, alpha: 1, beta: 2, rc: 3 };

const parse = (version: string): Parsed | undefined => {
  const match = /^(?:go)?(\d+)(?:\.(\d+))?(?:(?:(alpha|beta|rc)(\d+))|\.(\d+))?/.exec(version.trim());
  if (!match) return undefined;
  const [, major, minor, kind, pre, patch] = match;
  const release = patch !== undefined;
  return {
    major: Number(major),
    minor: Number(minor ?? 0),
    stage: release ? 4 : STAGES[kind ?? '']!,
    pre: Number(pre ?? 0),
    patch: Number(patch ?? 0),
  };
};

/** Whether a version string is one go understands ("1.26", "go1.26.8", "go1.27rc1"). */
export const isGoVersion = (version: string): boolean => parse(version) !== undefined;

/** <0, 0 or >0 as `a` is older than, the same as or newer than `b`; unparsable versions sort first. */
export const compareGoVersions = (a: string, b: string): number => {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return x ? 1 : y ? -1 : 0;
  return x.major - y.major || x.minor - y.minor || x.stage - y.stage || x.pre - y.pre || x.patch - y.patch;
};

/** The release version of a GOVERSION ("go1.26.8 X:nodwarf5" → "go1.26.8"); undefined for a development build. */
export const releaseOf = (goVersion: string): string | undefined => {
  const first = goVersion.trim().split(/\s+/)[0] ?? '';
  return first.startsWith('go') && isGoVersion(first) ? first : undefined;
};

/** The oldest Go release still supported (security fixes): older ones get a warning. */
export const OLDEST_SUPPORTED_GO = '1.26';
