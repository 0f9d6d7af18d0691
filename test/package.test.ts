import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { httpServerModule, replyFile, tempDir, writeTree } from './support/fixtures.js';
import { GowatchProcess } from './support/gowatch-process.js';
import { GOWATCH_PACKAGE } from './support/monorepo.js';
import { freePort, get, waitForReply } from './support/net.js';
import { markedSurvivors } from './support/processes.js';

/**
 * The package as a user gets it, following the README: `npm pack` in a clone of this
 * repository, `npm install --save-dev` of the tarball into a fresh Go project, then `npx gowatch`
 * there. Real npm (gowatch's dependencies come from the registry), real go, real processes,
 * real HTTP.
 */
const TIMEOUT = { timeout: 300_000 };
const MARKER = 'GOWATCH_TEST_MARKER';
const exec = promisify(execFile);

type Manifest = { version: string; scripts?: Record<string, string>; devDependencies?: Record<string, string> };
const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
const VERSION = readManifest(GOWATCH_PACKAGE).version;

/** Scripts npm would run when the package is installed: a user must never build gowatch. */
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare'];

/**
 * The environment of a fresh terminal: without the npm_* variables of an `npm test` that runs
 * this file (the outer npm's package, command and prefix), which the inner npm would obey.
 * They are unset as undefined, which spawn leaves out, so that a merge with process.env keeps them out.
 */
const npmEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  ...Object.fromEntries(Object.keys(process.env).filter((name) => name.startsWith('npm_')).map((name) => [name, undefined])),
  npm_config_update_notifier: 'false',
  npm_config_fund: 'false',
  npm_config_audit: 'false',
  ...extra,
});

/** Runs a command to its end; a failure carries all it printed (tsc, run by prepack, reports on stdout). */
const run = async (command: string, args: string[], cwd: string, env = npmEnv()) => {
  try {
    const { stdout, stderr } = await exec(command, args, { cwd, env, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 });
    return { stdout, stderr, output: `${stdout}\n${stderr}` };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}: ${(error as Error).message}\n${stdout}\n${stderr}`);
  }
};

/** Every file under `dir`, relative to it, with `/` separators. */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();

/** The relative link targets of a Markdown file, without their `#fragment`. */
const relativeLinks = (markdown: string): string[] =>
  [...markdown.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1]!)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('#'))
    .map((target) => target.split('#')[0]!);

/**
 * `npm pack` of a copy of the repository, as a fresh clone has it: packing the repository itself
 * would let prepack rebuild the dist/src that other test files are running meanwhile.
 * node_modules is linked so that prepack finds tsc without an install.
 */
const packClone = async (dir: string): Promise<{ tarball: string; root: string }> => {
  const clone = path.join(dir, 'clone');
  const absent = new Set(['node_modules', 'dist', '.git']);
  cpSync(GOWATCH_PACKAGE, clone, { recursive: true, filter: (source) => !absent.has(path.relative(GOWATCH_PACKAGE, source)) });
  symlinkSync(path.join(GOWATCH_PACKAGE, 'node_modules'), path.join(clone, 'node_modules'));
  const destination = path.join(dir, 'packed');
  mkdirSync(destination);
  await run('npm', ['pack', '--pack-destination', destination], clone);
  assert.deepEqual(readdirSync(destination), [`gowatch-${VERSION}.tgz`], 'npm pack wrote one tarball');
  const tarball = path.join(destination, `gowatch-${VERSION}.tgz`);
  const unpacked = path.join(dir, 'unpacked');
  mkdirSync(unpacked);
  await run('tar', ['-xzf', tarball, '-C', unpacked], dir);
  return { tarball, root: path.join(unpacked, 'package') };
};

const work = tempDir('gowatch-package-');
after(work.cleanup);
/** Packed once, for both tests. */
const packed = packClone(work.dir);

test('the tarball holds the built CLI, LICENSE and every document the README links to, and nothing for development', TIMEOUT, async () => {
  const { root } = await packed;
  const files = filesUnder(root);
  for (const file of ['LICENSE', 'README.md', 'package.json', 'buddy.watch.schema.json', 'docs/events.md', 'dist/src/cli/main.js', 'dist/src/index.js', 'dist/src/index.d.ts']) {
    assert.ok(files.includes(file), `${file} is in the package: ${files.join(' ')}`);
  }
  assert.ok(files.some((file) => file.startsWith('templates/')), 'templates/ is in the package');
  assert.deepEqual(files.filter((file) => file.endsWith('.map')), [], 'no source maps (their .ts sources are not shipped)');
  assert.deepEqual(files.filter((file) => file.endsWith('.tsbuildinfo')), [], 'no build info of an incremental build');
  assert.deepEqual(files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts')), [], 'no TypeScript sources');
  assert.deepEqual(files.filter((file) => /(^|\/)(test|bench|scripts)\//.test(file)), [], 'no tests, benchmarks or development scripts');
  const mapped = files.filter((file) => file.endsWith('.js') && readFileSync(path.join(root, file), 'utf8').includes('sourceMappingURL'));
  assert.deepEqual(mapped, [], 'no script points to a source map');

  const manifest = readManifest(root);
  assert.deepEqual(INSTALL_SCRIPTS.filter((name) => manifest.scripts?.[name] !== undefined), [], 'nothing runs at install time');
  assert.match(readFileSync(path.join(root, 'LICENSE'), 'utf8'), /^MIT License\n\nCopyright \(c\) 2026 the gowatch authors\n/);

  const missing = relativeLinks(readFileSync(path.join(root, 'README.md'), 'utf8')).filter((target) => !existsSync(path.join(root, target)));
  assert.deepEqual(missing, [], 'every relative link of the README resolves inside the package');
});

test('installed from the tarball into a fresh Go project: npx gowatch runs the program, reloads an edit and stops on Ctrl-C', TIMEOUT, async (t) => {
  const project = tempDir('gowatch-package-project-');
  const cache = tempDir('gowatch-package-cache-');
  t.after(() => {
    project.cleanup();
    cache.cleanup();
  });
  writeTree(project.dir, {
    ...httpServerModule('example.com/hello', 'hello 1'),
    'package.json': JSON.stringify({ name: 'hello', version: '1.0.0', private: true }, null, 2),
  });

  const { tarball } = await packed;
  const install = await run('npm', ['install', '--save-dev', '--no-audit', '--no-fund', tarball], project.dir);
  // npm names each package whose install scripts it runs or holds back, e.g. "gowatch@0.1.0 (prepare: …)".
  assert.doesNotMatch(install.output, /\bgowatch@\S+ \((preinstall|install|postinstall|prepare):/, 'npm has no install script of gowatch to run or warn about');
  assert.match(readManifest(project.dir).devDependencies?.['gowatch'] ?? '', /^file:.*gowatch-.*\.tgz$/, 'a devDependency on the tarball');
  const bin = path.join(project.dir, 'node_modules', '.bin', 'gowatch');
  assert.equal(realpathSync(bin), path.join(project.dir, 'node_modules', 'gowatch', 'dist', 'src', 'cli', 'main.js'), 'the bin is the installed copy');

  const version = await run('npx', ['gowatch', '--version'], project.dir);
  assert.equal(version.stdout.trim(), VERSION);

  const port = await freePort();
  const marker = randomUUID();
  const gowatch = new GowatchProcess(['--', '-addr', `127.0.0.1:${port}`], {
    cwd: project.dir,
    command: ['npx', 'gowatch', 'run', '--json'],
    // Its own process group, which stop() signals as a whole, as Ctrl-C in a terminal does.
    group: true,
    env: npmEnv({ GOWATCH_CACHE_DIR: cache.dir, [MARKER]: marker }),
  });
  t.after(async () => {
    await gowatch.stop('SIGINT');
    for (const pid of await markedSurvivors(MARKER, marker, 15_000)) process.kill(pid, 'SIGKILL');
  });

  const first = await gowatch.waitForEvent('start', 0, 180_000);
  await waitForReply(port, 'hello 1');

  const mark = gowatch.mark();
  writeFileSync(path.join(project.dir, 'reply.go'), replyFile('hello 2'));
  await waitForReply(port, 'hello 2');
  await gowatch.waitFor((e) => e.event === 'change' && e.files.includes('reply.go'), mark);
  const second = await gowatch.waitForEvent('start', mark);
  assert.notEqual(second.pid, first.pid, 'a new process serves the edit');

  const beforeStop = gowatch.mark();
  const exit = await gowatch.stop('SIGINT');
  // gowatch exits with 130; npx, interrupted too, ends by the signal itself. A shell reports 130 for both.
  assert.ok(exit.code === 130 || (exit.code === null && exit.signal === 'SIGINT'), `npx gowatch ended as interrupted: ${JSON.stringify(exit)}\nstderr:\n${gowatch.stderr}`);
  assert.deepEqual(await markedSurvivors(MARKER, marker, 15_000), [], 'no process of the run survives');
  assert.equal(await get(port), undefined, 'nothing serves any more');
  const stop = gowatch.after(beforeStop).find((e) => e.event === 'stop');
  assert.ok(stop?.event === 'stop' && stop.pid === second.pid && !stop.forced, `the program was stopped gracefully: ${JSON.stringify(gowatch.after(beforeStop))}`);
  assert.deepEqual(gowatch.invalidLines, [], 'stdout carries only events');
});
