/**
 * Flags that users of other watchers (air, nodemon, reflex, watchexec, gow) type out of habit,
 * and what gowatch does instead: gowatch has no such flag, so its refusal says where the
 * equivalent lives.
 */
const WATCH =
  'gowatch watches what goes into the build by itself (go list); add globs for other files to "go.watch.patterns" in buddy.watch.json';
const EXTENSIONS =
  'gowatch watches the files go builds from by itself; add globs for other files, such as "**/*.html", to "go.watch.patterns" in buddy.watch.json';
const IGNORE = 'gowatch leaves out what .gitignore ignores; add exclusions such as "!tmp/**" to "go.watch.patterns" in buddy.watch.json';
const EXEC = 'gowatch builds and runs a Go main package: name it (gowatch ./cmd/api) and put program arguments after --';
const CONFIG = 'gowatch reads the nearest buddy.watch.json (gowatch init writes one), or the file --config FILE names';
const VERSION = 'the version is gowatch --version (or -v)';
const POLL = 'gowatch polls by itself where native events are missed, and --poll forces it';
const SIGNAL = 'the stop signal is --stop-signal SIGNAL (or "go.run.stopSignal" in buddy.watch.json)';

const INSTEAD: ReadonlyMap<string, string> = new Map([
  ['-w', WATCH], // nodemon, watchexec, wgo
  ['--watch', WATCH],
  ['-e', EXTENSIONS], // nodemon, gow, watchexec
  ['--ext', EXTENSIONS],
  ['--exts', EXTENSIONS],
  ['-i', IGNORE], // nodemon, gow
  ['--ignore', IGNORE],
  ['-x', EXEC], // nodemon
  ['--exec', EXEC],
  ['-c', CONFIG], // air, reflex
  ['-V', VERSION], // nodemon, watchexec
  ['-L', POLL], // nodemon
  ['--legacy-watch', POLL],
  ['--signal', SIGNAL], // nodemon, watchexec
]);

/** What gowatch does instead of `flag` (as typed, `--watch=src` included), if another watcher has it. */
export const insteadOf = (flag: string): string | undefined => {
  const equals = flag.indexOf('=');
  return INSTEAD.get(equals === -1 ? flag : flag.slice(0, equals));
};
