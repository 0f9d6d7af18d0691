import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ARGV_ENV, writeGoShim } from '../bench/peers/go-shim.js';
import { embeddingPattern } from '../src/go/embed-match.js';
import { httpMainGo, tempDir, writeTree } from './support/fixtures.js';
import { GowatchProcess } from './support/gowatch-process.js';
import { freePort, waitForReply } from './support/net.js';
import { eventsUntilCheckpoint, names, replaceFile, stopGowatch } from './support/shop.js';

/**
 * Which paths below a package one of its //go:embed patterns may embed: the matcher follows
 * go's rules (path.Match per path element, a matched directory's tree, "all:", hidden names),
 * and a path it rules out costs no `go list` when it changes.
 */
const TIMEOUT = { timeout: 120_000 };

const may = (patterns: readonly string[], rel: string) => embeddingPattern(patterns, rel) !== undefined;

const cases = (patterns: readonly string[], yes: readonly string[], no: readonly string[]) => {
  for (const rel of yes) assert.ok(may(patterns, rel), `${JSON.stringify(patterns)} may embed ${rel}`);
  for (const rel of no) assert.ok(!may(patterns, rel), `${JSON.stringify(patterns)} cannot embed ${rel}`);
};

test('a glob matches one path element each, and a directory on the way to a match may hold one', () => {
  cases(
    ['static/*.html'],
    ['static/new.html', 'static/.hidden.html', 'static/_x.html', 'static', 'static/sub.html/inner.txt'],
    ['static/app.css', 'static/sub/a.html', 'index.html', 'src/x.ts', 'statics/a.html', 'static/sub.html/.hidden'],
  );
  cases(['**/*.html'], ['x/a.html', 'a.html'], ['x/y/a.html', 'a.html/b.css']);
});

test('a directory brings its tree, less names starting with "." or "_" unless the pattern says all:', () => {
  cases(['dist'], ['dist/app.js', 'dist/assets/x.js', 'dist'], ['dist/.DS_Store', 'dist/_tmp/x', 'dist/assets/.hidden', 'dist/.git/config', 'src/main.ts', 'index.html']);
  cases(['all:dist'], ['dist/.DS_Store', 'dist/_tmp/x', 'dist/assets/.hidden'], ['dist/.git/config', 'dist/x/.svn/entries', 'src/main.ts', 'index.html']);
  cases(['static/*'], ['static/.tmp', 'static/_partial.html'], ['static/sub/.tmp', 'other']);
});

test('path.Match syntax: classes, ranges, negation, escapes; braces and "!" are literal', () => {
  cases(['img/[a-c]?.png'], ['img/b1.png', 'img/a-.png'], ['img/d1.png', 'img/b.png', 'img/b12.png']);
  cases(['[^a]x'], ['bx', 'éx'], ['ax', 'x']);
  cases(['[!a]'], ['!', 'a'], ['b']);
  cases(['a\\*b'], ['a*b'], ['axb']);
  cases(['[\\]]'], [']'], ['a']);
  cases(['[c-a]x'], [], ['bx', 'cx']);
  cases(['{a,b}.txt'], ['{a,b}.txt'], ['a.txt']);
  cases(['é?'], ['éa'], ['ea', 'é']);
});

test('a pattern go refuses may embed anything: go list says what is wrong with it', () => {
  for (const pattern of ['[', 'a[]b', 'x\\', 'a/../b', '/abs', '.', 'a//b', '[a-]']) cases([pattern], ['anything.txt', 'a/b'], []);
});

test('a go.mod where embedded files may lie ends their tree there: it counts', () => {
  cases(['static/*.html'], ['static/go.mod', 'static/x.html/go.mod'], ['other/go.mod']);
  cases(['dist'], ['dist/go.mod', 'dist/sub/go.mod'], ['src/go.mod', 'dist/.x/go.mod']);
});

test('the first pattern that may embed the path is the one named', () => {
  assert.equal(embeddingPattern(['static/*.html', 'all:dist'], 'dist/.env'), 'all:dist');
  assert.equal(embeddingPattern(['static/*.html', 'all:dist'], 'ui/x.ts'), undefined);
});

test('against go list: every file go embeds may be embedded, and every file ruled out is not embedded', () => {
  const fixture = tempDir('gowatch-embed-match-');
  const patterns = ['all:dist', 'static/*.html', 'assets', 'img/[a-c]?.png', 'doc/\\[x\\].txt'];
  const files = [
    'dist/app.js', 'dist/.env', 'dist/_chunks/a.js', 'dist/.git/HEAD', 'static/a.html', 'static/.b.html', 'static/c.css',
    'static/sub.html/inner.txt', 'static/sub.html/_skip.txt', 'static/deeper/d.html', 'assets/x.css', 'assets/.hidden',
    'assets/_u/z', 'assets/sub/y.txt', 'assets/nested/go.mod', 'assets/nested/inner.txt', 'img/b1.png', 'img/d1.png',
    'doc/[x].txt', 'doc/x.txt', 'src/x.ts', 'index.html',
  ];
  writeTree(fixture.dir, {
    'go.mod': 'module example.com/embedded\n\ngo 1.22\n',
    'main.go': `package main\n\nimport "embed"\n\n//go:embed ${patterns.map((p) => JSON.stringify(p)).join(' ')}\nvar files embed.FS\n\nfunc main() { _ = files }\n`,
    ...Object.fromEntries(files.map((file) => [file, 'x\n'])),
  });
  const listed = JSON.parse(execFileSync('go', ['list', '-json=EmbedFiles,EmbedPatterns,Error', '.'], { cwd: fixture.dir, encoding: 'utf8' })) as {
    EmbedFiles: string[];
    EmbedPatterns: string[];
    Error?: unknown;
  };
  fixture.cleanup();
  assert.equal(listed.Error, undefined);
  const embedded = new Set(listed.EmbedFiles);
  for (const file of embedded) assert.ok(may(listed.EmbedPatterns, file), `go embeds ${file}, the matcher must allow it`);
  const ruledOut = files.filter((file) => !may(listed.EmbedPatterns, file));
  for (const file of ruledOut) assert.ok(!embedded.has(file), `the matcher rules out ${file}, which go embeds`);
  // Both answers occur, so neither loop above is empty.
  assert.ok(embedded.size > 0 && ruledOut.length > 0, JSON.stringify({ embedded: [...embedded], ruledOut }));
  assert.deepEqual(
    ruledOut.sort(),
    ['assets/.hidden', 'assets/_u/z', 'dist/.git/HEAD', 'doc/x.txt', 'img/d1.png', 'index.html', 'src/x.ts', 'static/c.css', 'static/deeper/d.html', 'static/sub.html/_skip.txt'],
  );
});

/** A module whose main serves the names of the pages package ui embeds with //go:embed static/*.html. */
const siteFiles = (): Record<string, string> => ({
  'go.mod': 'module example.com/site\n\ngo 1.22\n',
  'main.go': httpMainGo('fmt.Fprint(w, ui.Pages())', ['example.com/site/ui']),
  'ui/ui.go': `package ui

import (
	"embed"
	"io/fs"
	"strings"
)

//go:embed static/*.html
var static embed.FS

// Pages lists the embedded pages, comma-separated.
func Pages() string {
	names, _ := fs.Glob(static, "static/*.html")
	return strings.Join(names, ",")
}
`,
  'ui/static/a.html': '<p>a</p>\n',
  'ui/index.html': '<div id="app"></div>\n',
  'ui/src/main.ts': 'export const version = 1;\n',
});

test('a save below an embedding package that no pattern can match runs no go list and builds nothing; a new matching file is embedded', TIMEOUT, async (t) => {
  const fixture = tempDir('gowatch-embed-site-');
  const cache = tempDir('gowatch-cache-');
  const staging = tempDir('gowatch-staging-');
  const argvLog = path.join(staging.dir, 'go-argv.log');
  const shim = writeGoShim(cache.dir);
  writeTree(fixture.dir, siteFiles());
  const port = await freePort();
  const gowatch = new GowatchProcess(['.', '--', '-addr', `127.0.0.1:${port}`], {
    cwd: fixture.dir,
    env: { GOWATCH_CACHE_DIR: cache.dir, PATH: `${shim}${path.delimiter}${process.env['PATH']}`, [ARGV_ENV]: argvLog },
  });
  t.after(async () => {
    await stopGowatch(gowatch);
    for (const dir of [fixture, cache, staging]) dir.cleanup();
  });
  const goLists = () => (existsSync(argvLog) ? readFileSync(argvLog, 'utf8').split('\n').filter((line) => line.startsWith('list ')) : []);
  const write = (rel: string, content: string) => replaceFile(staging.dir, path.join(fixture.dir, rel), content);
  await gowatch.waitForEvent('start');
  await waitForReply(port, 'static/a.html');
  const listsAtStart = goLists().length;
  assert.ok(listsAtStart > 0, 'the shim logs the go list of the start');

  let mark = gowatch.mark();
  write('ui/src/main.ts', 'export const version = 2;\n');
  write('ui/src/extra.ts', 'export const extra = 1;\n');
  write('ui/index.html', '<div id="root"></div>\n');
  write('ui/static/app.css', 'p { color: red }\n');
  for (const rel of ['ui/src/main.ts', 'ui/src/extra.ts', 'ui/index.html', 'ui/static/app.css']) {
    await gowatch.waitFor((e) => e.event === 'skip' && e.reason === 'not-watched' && e.files.includes(rel), mark);
  }
  const events = await eventsUntilCheckpoint(gowatch, fixture.dir, fixture.dir, mark);
  assert.ok(!names(events).includes('build-start'), `no build: ${JSON.stringify(events)}`);
  assert.ok(!names(events).includes('stop'), `the program keeps running: ${JSON.stringify(events)}`);
  assert.deepEqual(goLists().slice(listsAtStart), [], 'no go list for files no pattern can embed');
  await waitForReply(port, 'static/a.html');

  mark = gowatch.mark();
  write('ui/static/new.html', '<p>new</p>\n');
  await gowatch.waitFor((e) => e.event === 'build-ok' && !e.cached, mark);
  await waitForReply(port, 'static/a.html,static/new.html');
  assert.equal(goLists().length, listsAtStart + 1, 'a file a pattern matches lists the closure again, once');

  const exit = await gowatch.stop('SIGINT');
  assert.deepEqual(gowatch.invalidLines, []);
  assert.equal(exit.code, 130, gowatch.stderr);
});
