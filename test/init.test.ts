import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/load.js';
import { configFields, configFileSchema, type ConfigKey } from '../src/config/schema.js';
import type { MainPackage } from '../src/go/main-packages.js';
import { schemaPathFor } from '../src/init/schema-path.js';
import { targetNames } from '../src/init/target-names.js';
import { listTemplates } from '../src/init/template-list.js';
import { readTemplate } from '../src/init/templates.js';
import { httpMainGo, tempDir, writeTree } from './support/fixtures.js';
import { GowatchProcess, stopAllGowatch } from './support/gowatch-process.js';
import { runCli, type CliRun } from './support/run-cli.js';
import { freePort, waitForReply } from './support/net.js';
import { stopGowatch } from './support/shop.js';
import { multiFiles } from './support/targets-project.js';

/**
 * `gowatch init` as a user runs it, in generated Go projects (one main at the root, several
 * under cmd/, a go.work workspace): the config it writes is checked against the schema and the
 * loader, its "$schema" must reach the shipped schema, and each template is then run for real
 * with `gowatch run --json`. Messages are asserted as text.
 */
const TIMEOUT = { timeout: 180_000 };
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const TEMPLATES = path.join(REPO, 'templates');
const SCHEMA = path.join(REPO, 'buddy.watch.schema.json');

const cache = tempDir('gowatch-init-cache-');
const cleanups: (() => void)[] = [cache.cleanup];
after(async () => {
  await stopAllGowatch();
  cleanups.forEach((cleanup) => cleanup());
});

/** The environment of every command: no colours, no toolchain download, no polling asked for, no go.work from outside. */
const ENV: NodeJS.ProcessEnv = {
  ...process.env,
  NO_COLOR: '1',
  GOWATCH_CACHE_DIR: cache.dir,
  GOTOOLCHAIN: 'local',
  GOWORK: '',
  GOWATCH_POLL: '',
  CHOKIDAR_USEPOLLING: '',
};

const project = (files: Record<string, string>): string => {
  const dir = tempDir('gowatch-init-');
  cleanups.push(dir.cleanup);
  writeTree(dir.dir, files);
  return dir.dir;
};

type Run = CliRun;

const gowatch = (cwd: string, args: readonly string[]): Promise<Run> => runCli(cwd, args, ENV);

const init = (cwd: string, args: readonly string[] = []) => gowatch(cwd, ['init', ...args]);

/** `gowatch init ARGS` that must succeed: its human lines are on stderr, nothing on stdout. */
const initOk = async (cwd: string, args: readonly string[] = []): Promise<string> => {
  const run = await init(cwd, args);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, '');
  return run.stderr;
};

/** What a stack trace looks like: "    at fn (file.js:1:2)". */
const STACK = /^\s+at .*:\d+:\d+\)?$/m;

/** `gowatch init ARGS` that must refuse with exactly `message` and `code`. */
const initRefused = async (cwd: string, args: readonly string[], code: number, message: string): Promise<void> => {
  const run = await init(cwd, args);
  assert.equal(run.stderr, `gowatch: ${message}\n`);
  assert.equal(run.code, code);
  assert.doesNotMatch(run.stderr, STACK);
};

/**
 * The written buddy.watch.json: valid for the file schema and the loader, and its "$schema"
 * reaches the shipped JSON Schema from the config's directory.
 */
const writtenConfig = (dir: string): Record<string, unknown> => {
  const file = path.join(dir, 'buddy.watch.json');
  const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const parsed = configFileSchema.safeParse(config);
  assert.ok(parsed.success, `the schema accepts ${JSON.stringify(config)}: ${parsed.error?.message}`);
  assert.equal(loadConfig(dir).file, file);
  const schema = path.resolve(dir, config['$schema'] as string);
  assert.ok(existsSync(schema), `"$schema" ${String(config['$schema'])} exists from ${dir}`);
  assert.equal(realpathSync(schema), realpathSync(SCHEMA));
  return config;
};

/** "$schema" as init writes it from `dir` when gowatch is not in a node_modules: straight to the repository's schema. */
const schemaFrom = (dir: string) => path.relative(dir, SCHEMA);

/** gowatch run --json in `dir` (its args follow), stopped after the test. */
const run = (t: { after: (fn: () => Promise<void>) => void }, dir: string, args: string[] = []): GowatchProcess => {
  const started = new GowatchProcess(args, { cwd: dir, env: ENV });
  t.after(() => stopGowatch(started));
  return started;
};

/** A server that listens on 127.0.0.1:$PORT and shuts down gracefully on SIGTERM. */
const portServerGo = `package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	port := os.Getenv("PORT")
	server := &http.Server{Addr: "127.0.0.1:" + port, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "api on "+port)
	})}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = server.Shutdown(shutdown)
	}()
	if err := server.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
`;

const cliGo = (text: string) => `package main

import (
	"fmt"
	"os"
	"strings"
)

func main() { fmt.Println(${JSON.stringify(text)} + strings.Join(os.Args[1:], " ")) }
`;

const goMod = (module: string) => `module ${module}\n\ngo 1.22\n`;

test('one main package at the root, no template: minimal, "$schema" only, and gowatch run starts it', TIMEOUT, async (t) => {
  const dir = project({ 'go.mod': goMod('example.com/solo'), 'main.go': httpMainGo('fmt.Fprint(w, "solo")') });
  const stderr = await initOk(dir);
  assert.equal(stderr, ['found main package . (example.com/solo)', 'wrote buddy.watch.json: template minimal, package .', 'next: npx gowatch run', ''].join('\n'));
  assert.deepEqual(writtenConfig(dir), { $schema: schemaFrom(dir) }, 'the root package is the default: not written');

  const gowatch = run(t, dir);
  const start = await gowatch.waitForEvent('start');
  assert.equal(start.target, '.');
});

test('api: PORT in the environment; the server is served over HTTP and stopped gracefully with SIGTERM', TIMEOUT, async (t) => {
  const dir = project({ 'go.mod': goMod('example.com/api'), 'main.go': portServerGo });
  const stderr = await initOk(dir, ['--template', 'api']);
  assert.equal(
    stderr,
    [
      'found main package . (example.com/api)',
      'wrote buddy.watch.json: template api, package .',
      'your server listens on the port in PORT and should shut down when it receives SIGTERM (signal.NotifyContext, then server.Shutdown): gowatch sends it before each restart and waits go.run.stopTimeout before SIGKILL',
      'next: npx gowatch run',
      '',
    ].join('\n'),
  );
  const config = writtenConfig(dir);
  assert.deepEqual(config, { $schema: schemaFrom(dir), 'go.run.env': { PORT: '8080' } });

  // The test's own port: 8080 may be anyone's on this machine.
  const port = await freePort();
  writeFileSync(path.join(dir, 'buddy.watch.json'), JSON.stringify({ ...config, 'go.run.env': { PORT: String(port) } }));
  const gowatch = run(t, dir);
  await gowatch.waitForEvent('start');
  await waitForReply(port, `api on ${port}`);
  const exit = await gowatch.stop('SIGINT');
  assert.equal(exit.code, 130, gowatch.stderr);
  const stop = gowatch.events.find((e) => e.event === 'stop');
  assert.ok(stop?.event === 'stop' && !stop.forced, `stopped by SIGTERM, not killed: ${JSON.stringify(stop)}`);
});

test('api with several main packages: each target gets its own PORT, counted up from the template\'s', TIMEOUT, async () => {
  const dir = project(multiFiles());
  await initOk(dir, ['--template', 'api']);
  assert.deepEqual(writtenConfig(dir), {
    $schema: schemaFrom(dir),
    targets: {
      api: { 'go.build.package': './cmd/api', 'go.run.env': { PORT: '8080' } },
      scheduler: { 'go.build.package': './cmd/scheduler', 'go.run.env': { PORT: '8081' } },
      worker: { 'go.build.package': './cmd/worker', 'go.run.env': { PORT: '8082' } },
    },
  });
});

test('cli: the program runs with the arguments after --, exits, and is not restarted until the next change', TIMEOUT, async (t) => {
  const dir = project({ 'go.mod': goMod('example.com/tool'), 'main.go': cliGo('ran with: ') });
  const stderr = await initOk(dir, ['--template', 'cli']);
  assert.equal(
    stderr,
    [
      'found main package . (example.com/tool)',
      'wrote buddy.watch.json: template cli, package .',
      'your program runs once per change; when it exits, gowatch waits for the next change (go.run.restart "on-change", the default)',
      'next: npx gowatch run -- ARGS',
      '',
    ].join('\n'),
  );
  assert.deepEqual(writtenConfig(dir), { $schema: schemaFrom(dir) });

  const gowatch = run(t, dir, ['--', 'hello', 'world']);
  const exit = await gowatch.waitForEvent('exit');
  assert.equal(exit.code, 0);
  // Long enough for a restart loop's first back-off to show.
  await sleep(3000);
  assert.deepEqual(
    gowatch.events.filter((e) => ['start', 'exit', 'restart', 'restart-limit'].includes(e.event)).map((e) => e.event),
    ['start', 'exit'],
    'one run, no restart',
  );
  assert.equal(gowatch.child.exitCode, null, 'gowatch keeps watching');
  assert.match(gowatch.stderr, /^ran with: hello world$/m);

  const mark = gowatch.mark();
  writeFileSync(path.join(dir, 'main.go'), cliGo('ran again with: '));
  assert.equal((await gowatch.waitForEvent('exit', mark)).code, 0);
  assert.match(gowatch.stderr, /^ran again with: hello world$/m);
});

test('several main packages under cmd/: listed, one target each, all run; --target chooses one', TIMEOUT, async (t) => {
  const dir = project(multiFiles());
  const stderr = await initOk(dir);
  assert.equal(
    stderr,
    [
      'found 3 main packages:',
      '  ./cmd/api        example.com/multi/cmd/api',
      '  ./cmd/scheduler  example.com/multi/cmd/scheduler',
      '  ./cmd/worker     example.com/multi/cmd/worker',
      'wrote buddy.watch.json: template minimal, a target for each: api (./cmd/api), scheduler (./cmd/scheduler), worker (./cmd/worker)',
      'for one of them only: gowatch init --target ./cmd/api --force',
      'next: npx gowatch run (every target), or npx gowatch run api (one)',
      '',
    ].join('\n'),
  );
  assert.deepEqual(writtenConfig(dir), {
    $schema: schemaFrom(dir),
    targets: {
      api: { 'go.build.package': './cmd/api' },
      scheduler: { 'go.build.package': './cmd/scheduler' },
      worker: { 'go.build.package': './cmd/worker' },
    },
  });
  const all = run(t, dir);
  for (const target of ['api', 'scheduler', 'worker']) await all.waitFor((e) => e.event === 'start' && e.target === target);
  await stopGowatch(all);

  // Without --force the config stays as it is, byte for byte.
  const before = readFileSync(path.join(dir, 'buddy.watch.json'));
  await initRefused(dir, ['--target', './cmd/worker'], 1, `buddy.watch.json already exists in ${dir}; nothing was written (gowatch init --force replaces it)`);
  assert.deepEqual(readFileSync(path.join(dir, 'buddy.watch.json')), before);

  // cmd/worker/ as tab completion writes it.
  const chosen = await initOk(dir, ['--target', 'cmd/worker/', '--force']);
  assert.equal(
    chosen.split('\n').slice(4).join('\n'),
    ['replaced buddy.watch.json: template minimal, package ./cmd/worker', 'next: npx gowatch run', ''].join('\n'),
  );
  assert.deepEqual(writtenConfig(dir), { $schema: schemaFrom(dir), 'go.build.package': './cmd/worker' });
  const one = run(t, dir);
  const start = await one.waitForEvent('start');
  assert.equal(start.target, './cmd/worker');

  // Two by target name and import path: a config with those two targets.
  await initOk(dir, ['--target', 'api', '--target', 'example.com/multi/cmd/worker', '--force']);
  assert.deepEqual(writtenConfig(dir)['targets'], { api: { 'go.build.package': './cmd/api' }, worker: { 'go.build.package': './cmd/worker' } });

  await initRefused(
    dir,
    ['--target', 'cmd/apj', '--force'],
    2,
    '--target "cmd/apj" is not one of the main packages go list found (did you mean "./cmd/api"?): ./cmd/api, ./cmd/scheduler, ./cmd/worker',
  );
});

/** A go.work of three modules: api and worker (main packages) import shared (a library). */
const workspaceFiles = (): Record<string, string> => ({
  'go.work': 'go 1.22\n\nuse (\n\t./api\n\t./shared\n\t./worker\n)\n',
  'shared/go.mod': goMod('example.com/shared'),
  'shared/shared.go': 'package shared\n\n// Name is used by every program of the workspace.\nfunc Name() string { return "shared" }\n',
  'api/go.mod': goMod('example.com/api'),
  'api/main.go': httpMainGo('fmt.Fprint(w, shared.Name())', ['example.com/shared']),
  'worker/go.mod': goMod('example.com/worker'),
  'worker/main.go': httpMainGo('fmt.Fprint(w, shared.Name())', ['example.com/shared']),
});

test('a go.work workspace: the workspace template is chosen, one target per module\'s main package, all run', TIMEOUT, async (t) => {
  const dir = project(workspaceFiles());
  const stderr = await initOk(dir);
  assert.equal(
    stderr,
    [
      'found 2 main packages:',
      '  ./api     example.com/api',
      '  ./worker  example.com/worker',
      'wrote buddy.watch.json: template workspace, a target for each: api (./api), worker (./worker)',
      'for one of them only: gowatch init --target ./api --force',
      "every module of go.work is watched, and an edit to go.work or a module's go.mod rebuilds the targets it concerns",
      'next: npx gowatch run (every target), or npx gowatch run api (one)',
      '',
    ].join('\n'),
  );
  assert.deepEqual(writtenConfig(dir), {
    $schema: schemaFrom(dir),
    targets: { api: { 'go.build.package': './api' }, worker: { 'go.build.package': './worker' } },
  });
  const gowatch = run(t, dir);
  for (const target of ['api', 'worker']) await gowatch.waitFor((e) => e.event === 'start' && e.target === target);
});

test('the workspace template outside a workspace is refused, saying what to do', TIMEOUT, async () => {
  const dir = project({ 'go.mod': goMod('example.com/solo'), 'main.go': cliGo('') });
  await initRefused(
    dir,
    ['--template', 'workspace'],
    2,
    `--template workspace is for a go.work workspace, and go finds no go.work from ${dir}; create one with go work init ./MODULE ./OTHER-MODULE, or choose another template`,
  );
  assert.equal(existsSync(path.join(dir, 'buddy.watch.json')), false);
});

test('container: polling, Dockerfile.dev and compose.yaml copied; nothing is replaced without --force', TIMEOUT, async (t) => {
  const dir = project({ 'go.mod': goMod('example.com/boxed'), 'main.go': httpMainGo('fmt.Fprint(w, "boxed")'), 'compose.yaml': 'services: {}\n' });
  await initRefused(dir, ['--template', 'container'], 1, `compose.yaml already exists in ${dir}; nothing was written (gowatch init --force replaces it)`);
  assert.equal(existsSync(path.join(dir, 'buddy.watch.json')), false, 'all or nothing: no config either');
  assert.equal(existsSync(path.join(dir, 'Dockerfile.dev')), false);
  assert.equal(readFileSync(path.join(dir, 'compose.yaml'), 'utf8'), 'services: {}\n');

  writeFileSync(path.join(dir, 'buddy.watch.json'), '{"go.watch.delay": 7}\n');
  await initRefused(
    dir,
    ['--template', 'container'],
    1,
    `buddy.watch.json and compose.yaml already exist in ${dir}; nothing was written (gowatch init --force replaces them)`,
  );
  assert.equal(readFileSync(path.join(dir, 'buddy.watch.json'), 'utf8'), '{"go.watch.delay": 7}\n');

  const stderr = await initOk(dir, ['--template', 'container', '--force']);
  assert.equal(
    stderr,
    [
      'found main package . (example.com/boxed)',
      'replaced buddy.watch.json: template container, package .',
      'wrote Dockerfile.dev',
      'replaced compose.yaml',
      'gowatch polls (go.watch.poll true): file events from the host do not reach inotify in the container through many mounts (Docker Desktop, WSL, network filesystems)',
      'in the container your program must listen on 0.0.0.0, not 127.0.0.1, for the published port to reach it',
      'next: docker compose up --build',
      '',
    ].join('\n'),
  );
  assert.deepEqual(writtenConfig(dir), { $schema: schemaFrom(dir), 'go.watch.poll': true });
  for (const file of ['Dockerfile.dev', 'compose.yaml']) {
    assert.deepEqual(readFileSync(path.join(dir, file)), readFileSync(path.join(TEMPLATES, 'container', file)), `${file} is the template's`);
  }
  const compose = readFileSync(path.join(dir, 'compose.yaml'), 'utf8');
  assert.match(compose, /file events from the host do not reach\n# inotify inside the container through many mounts/, 'compose.yaml says why polling');
  assert.match(compose, /- \.:\/src\n/, 'compose.yaml mounts the source');

  const gowatch = run(t, dir);
  const watching = await gowatch.waitForEvent('watching');
  assert.equal(watching.backend, 'polling');
  await gowatch.waitForEvent('start');
});

test('an unknown template is refused with the names there are', TIMEOUT, async () => {
  const dir = project({ 'go.mod': goMod('example.com/solo'), 'main.go': cliGo('') });
  await initRefused(dir, ['--template', 'apu'], 2, '--template: unknown template "apu" (did you mean "api"?); the templates are api, cli, container, minimal, workspace');
  await initRefused(dir, ['--template', '../templates'], 2, '--template: unknown template "../templates"; the templates are api, cli, container, minimal, workspace');
});

test('no main package: what init looked for and what to do, without a stack trace', TIMEOUT, async () => {
  const library = project({ 'go.mod': goMod('example.com/lib'), 'lib.go': 'package lib\n' });
  await initRefused(
    library,
    [],
    1,
    `no main package in the module example.com/lib (${library}/go.mod): init looks for packages named main with go list example.com/lib/..., and found none; write your program (package main with func main, e.g. in cmd/app/main.go), or run init in the module that holds it`,
  );
  const empty = project({ 'notes.txt': 'no Go here\n' });
  await initRefused(
    empty,
    [],
    1,
    `no Go module in ${empty}: init looks for the main packages of the module (go.mod) or workspace (go.work) of this directory or a parent, and go found neither; run it inside your module, or create one with go mod init MODULE-PATH`,
  );
  assert.equal(existsSync(path.join(empty, 'buddy.watch.json')), false);
});

test('gowatch init --help lists every template with its description', TIMEOUT, async () => {
  const help = await gowatch(REPO, ['init', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Templates \(--template NAME; without it: workspace in a go\.work workspace, else minimal\):$/m);
  const names = listTemplates(TEMPLATES).map((template) => template.name);
  assert.deepEqual(names, ['api', 'cli', 'container', 'minimal', 'workspace']);
  for (const template of listTemplates(TEMPLATES)) {
    assert.ok(help.stdout.includes(`  ${template.name.padEnd(9)}  ${template.description}\n`), `${template.name} in:\n${help.stdout}`);
  }
});

test('every template is a valid config stating only what differs from the defaults', () => {
  for (const { name } of listTemplates(TEMPLATES)) {
    const file = path.join(TEMPLATES, name, 'buddy.watch.json');
    const document = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    assert.ok(configFileSchema.safeParse(document).success, name);
    loadConfig(path.dirname(file), file);
    assert.equal(realpathSync(path.resolve(path.dirname(file), document['$schema'] as string)), realpathSync(SCHEMA), `${name}: "$schema" works inside templates/`);
    for (const [key, value] of Object.entries(readTemplate(name, TEMPLATES).settings)) {
      assert.notDeepEqual(value, configFields[key as ConfigKey].default, `${name}: ${key} repeats the default`);
    }
  }
});

test('"$schema" goes through node_modules/gowatch when this gowatch is installed there, even hoisted above the config', () => {
  const dir = project({ 'services/api/.keep': '' });
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(REPO, path.join(dir, 'node_modules', 'gowatch'));
  assert.equal(schemaPathFor(dir, SCHEMA), './node_modules/gowatch/buddy.watch.schema.json');
  assert.equal(schemaPathFor(path.join(dir, 'services/api'), SCHEMA), '../../node_modules/gowatch/buddy.watch.schema.json');
  // Another package of that name is not this gowatch: the path goes to the running one.
  const other = project({ 'node_modules/gowatch/buddy.watch.schema.json': '{}\n' });
  assert.equal(schemaPathFor(other, SCHEMA), path.relative(other, SCHEMA));
});

test('target names: the directory, with parents only where names clash', () => {
  const pkg = (relative: string, importPath = `example.com/m/${relative.slice(2)}`): MainPackage => ({ dir: `/m/${relative}`, importPath, relative });
  assert.deepEqual(targetNames([pkg('.', 'example.com/shop'), pkg('./cmd/api')]), ['shop', 'api']);
  assert.deepEqual(targetNames([pkg('./svc/a/cmd/server'), pkg('./svc/b/cmd/server'), pkg('./tools/gen')]), ['a-server', 'b-server', 'gen']);
  assert.deepEqual(targetNames([pkg('./x/api'), pkg('./y/x/api')]), ['x-api', 'y-x-api']);
  assert.deepEqual(targetNames([pkg('./a b/c@d'), pkg('./cmd')]), ['c-d', 'cmd']);
});
