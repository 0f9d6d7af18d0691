import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { walkDirectories, walkTree } from '../src/files/walk.js';
import { crawlRoot } from '../src/watch/prune.js';
import { tempDir, writeTree } from './support/fixtures.js';

/**
 * The one directory walk (src/files/walk.ts) on real trees: what it enters, what it reports of
 * directories it cannot read, where a deadline or an abort stops it, and that it lets the event
 * loop run; and the watch plan's crawl, the walk's most involved user.
 */

const cleanups: (() => void)[] = [];
after(() => cleanups.forEach((cleanup) => cleanup()));

const tree = (files: Record<string, string>): string => {
  const made = tempDir('gowatch-walk-');
  cleanups.push(made.cleanup);
  writeTree(made.dir, files);
  return made.dir;
};

/** Every directory a walk lists, with the names it holds, sorted. */
const listing = async (root: string, enter?: (dir: string) => boolean) => {
  const listed: Record<string, string[]> = {};
  const end = await walkTree(root, {
    ...(enter ? { enter } : {}),
    onDirectory: (dir, entries) => {
      listed[path.relative(root, dir) || '.'] = entries.map((entry) => entry.name).sort();
    },
  });
  return { listed, cut: end.cut };
};

test('a walk lists each directory once, enters only what `enter` lets in, and follows no symbolic link but the root', async () => {
  const root = tree({ 'a/x.go': '', 'a/b/y.txt': '', 'skip/z.go': '', 'skip/inner/w.go': '', 'f.txt': '' });
  symlinkSync('.', path.join(root, 'loop'));
  symlinkSync('a', path.join(root, 'alink'));
  const { listed, cut } = await listing(`${root}${path.sep}`, (dir) => dir !== path.join(root, 'skip'));
  assert.deepEqual(listed, {
    '.': ['a', 'alink', 'f.txt', 'loop', 'skip'],
    a: ['b', 'x.go'],
    'a/b': ['y.txt'],
  });
  assert.equal(cut, false);
  const throughLink = await listing(path.join(root, 'alink'));
  assert.deepEqual(throughLink.listed, { '.': ['b', 'x.go'], b: ['y.txt'] });
});

test('a deadline or an abort stops a walk between directories, and the walk says it was cut', async () => {
  const root = tree(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`d${i}/f.go`, ''])));
  const late = await walkTree(root, { deadline: Date.now() - 1, onDirectory: () => assert.fail('listed after its deadline') });
  assert.equal(late.cut, true);

  const abort = new AbortController();
  const seen: string[] = [];
  const aborted = await walkTree(root, {
    signal: abort.signal,
    onDirectory: (dir) => {
      seen.push(dir);
      if (seen.length === 3) abort.abort();
    },
  });
  assert.equal(aborted.cut, true);
  assert.equal(seen.length, 3);

  const whole = await listing(root);
  assert.equal(Object.keys(whole.listed).length, 21);
  assert.equal(whole.cut, false);
});

test('a walk whose visits take long yields the event loop after each, handing on what it found first', async () => {
  // Five directories (a root with two children, each with one), each visit busy for longer than a slice.
  const children: Record<string, string[]> = { r: ['r/a', 'r/b'], 'r/a': ['r/a/1'], 'r/b': ['r/b/1'] };
  const events: string[] = [];
  setImmediate(() => events.push('event loop'));
  await walkDirectories(
    'r',
    (dir, enter) => {
      events.push(dir);
      const until = performance.now() + 12;
      while (performance.now() < until);
      (children[dir] ?? []).forEach(enter);
    },
    { onPause: () => events.push('pause') },
  );
  assert.deepEqual(events, ['r', 'pause', 'event loop', 'r/b', 'pause', 'r/b/1', 'pause', 'r/a', 'pause', 'r/a/1', 'pause']);
});

test('the crawl keeps what may matter and leaves out the outermost directories that cannot', async () => {
  const root = tree({
    'main.go': '',
    'docs/readme.md': '',
    'docs/deep/more.md': '',
    'pkg/sub/y.go': '',
    'pkg/notes/n.txt': '',
    'node_modules/m/z.go': '',
    'kept/empty.txt': '',
  });
  const crawl = await crawlRoot(root, {
    decide: (dir) => (path.basename(dir) === 'node_modules' ? 'prune' : path.basename(dir) === 'kept' ? 'descend' : 'if-relevant'),
    relevant: (file) => file.endsWith('.go'),
  });
  assert.deepEqual(crawl, {
    pruned: ['docs', 'node_modules', 'pkg/notes'].map((rel) => path.join(root, rel)),
    unreadable: [],
    // The root, pkg, pkg/sub and kept.
    kept: 4,
  });
});

/**
 * Root ignores permissions, so a directory it cannot read needs a user namespace: there the
 * walk runs as an unprivileged user over the tree root made.
 */
const userNamespace = spawnSync('unshare', ['-U', 'true']).status === 0;

test('a directory that cannot be read is reported as denied and not entered; the rest is walked', { skip: !userNamespace && 'unshare -U is not available here' }, () => {
  const root = tree({ 'open/a.go': '', 'secret/s.go': '', 'held/h.go': '', 'z.go': '' });
  // mkdtemp makes the root for its owner alone.
  chmodSync(root, 0o755);
  mkdirSync(path.join(root, 'open', 'closed'));
  for (const dir of ['secret', 'held', 'open/closed']) chmodSync(path.join(root, dir), 0);
  const walk = fileURLToPath(new URL('../src/files/walk.js', import.meta.url));
  const prune = fileURLToPath(new URL('../src/watch/prune.js', import.meta.url));
  const script = `
    const { walkTree } = await import(process.argv[1]);
    const { crawlRoot } = await import(process.argv[2]);
    const root = process.argv[3];
    const listed = [];
    const unreadable = [];
    await walkTree(root, {
      onDirectory: (dir) => listed.push(dir),
      onUnreadable: (dir, failure, error) => unreadable.push([dir, failure, error.code]),
    });
    const crawl = await crawlRoot(root, {
      decide: (dir) => (dir.endsWith('held') ? 'descend' : 'if-relevant'),
      relevant: (file) => file.endsWith('.go'),
    });
    console.log(JSON.stringify({ listed: listed.sort(), unreadable: unreadable.sort(), crawl }));
  `;
  const child = spawnSync('unshare', ['-U', '--', process.execPath, '--input-type=module', '-e', script, walk, prune, root], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  const at = (rel: string) => path.join(root, rel);
  assert.deepEqual(JSON.parse(child.stdout), {
    listed: [root, at('open')],
    unreadable: [
      [at('held'), 'denied', 'EACCES'],
      [at('open/closed'), 'denied', 'EACCES'],
      [at('secret'), 'denied', 'EACCES'],
    ],
    // What must be watched is kept though it cannot be read (held); what only might matter is left out.
    crawl: { pruned: [at('open/closed'), at('secret')], unreadable: [at('held'), at('open/closed'), at('secret')], kept: 2 },
  });
});
