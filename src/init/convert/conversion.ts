/** What a line of another tool's setup became: a key of buddy.watch.json, nothing needed, or nothing that exists. */
export type NoteKind = 'mapped' | 'not-needed' | 'differs' | 'no-equivalent';

export type ConversionNote = {
  /** The other tool's key or flag, as its users write it. */
  readonly source: string;
  readonly kind: NoteKind;
  readonly text: string;
};

export type Conversion = {
  /** buddy.watch.json's keys, only those that differ from gowatch's defaults (and the patterns). */
  readonly settings: Record<string, unknown>;
  readonly notes: ConversionNote[];
};

export const newConversion = (): Conversion => ({ settings: {}, notes: [] });

export const note = (conversion: Conversion, source: string, kind: NoteKind, text: string): void => {
  conversion.notes.push({ source, kind, text });
};

/** Adds to a list setting (hooks, flags, arguments, patterns), in the order the tool would run or read them. */
export const append = (conversion: Conversion, key: string, items: readonly unknown[]): void => {
  if (items.length === 0) return;
  const current = (conversion.settings[key] as unknown[] | undefined) ?? [];
  conversion.settings[key] = [...current, ...items];
};

export const addEnv = (conversion: Conversion, key: string, env: Readonly<Record<string, string>>): void => {
  if (Object.keys(env).length === 0) return;
  conversion.settings[key] = { ...(conversion.settings[key] as Record<string, string> | undefined), ...env };
};

/** A shell command as a hook: hooks run with no shell, so the line goes to sh as written. */
export const shellHook = (text: string): string[] => ['sh', '-c', text];

export const shown = (value: unknown): string => JSON.stringify(value);

/** Files gowatch needs to build, whatever the other tool watched. */
const MODULE_FILES = ['go.mod', 'go.sum', 'go.work', 'go.work.sum'];

/**
 * go.watch.patterns from what the tool included and excluded, with the module files go needs
 * and the exclusions gowatch keeps whatever the tool did: a _test.go never reaches the binary
 * (said, as the tool would rebuild for it), and .git is no source.
 */
export const setPatterns = (conversion: Conversion, source: string, includes: readonly string[], excludes: readonly string[]): void => {
  const patterns = [...includes, ...MODULE_FILES.filter((file) => !includes.includes(file)), ...excludes.map((glob) => `!${glob}`)];
  if (!excludes.includes('**/*_test.go')) {
    patterns.push('!**/*_test.go');
    note(conversion, source, 'differs', 'a _test.go file never reaches the binary: gowatch skips it (!**/*_test.go) where the old tool rebuilt');
  }
  if (!excludes.includes('.git/**')) patterns.push('!.git/**');
  conversion.settings['go.watch.patterns'] = [...new Set(patterns)];
};
