import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import type { GowatchEvent } from '../src/events.js';
import { convertAirFile } from '../src/init/convert/from-air.js';
import { tempDir, writeTree } from './support/fixtures.js';
import { GowatchProcess, stopAllGowatch } from './support/gowatch-process.js';
import { runCli, type CliRun } from './support/run-cli.js';

/** air's own example and configs after real projects' (test/fixtures/air/SOURCE.md says where each comes from). */
const FIXTURES = fileURLToPath(new URL('../../test/fixtures/air/', import.meta.url));
const fixture = (name: string) => path.join(FIXTURES, name);

const cleanups: (() => void)[] = [];
after(async () => {
  await stopAllGowatch();
  cleanups.forEach((cleanup) => cleanup());
});

const project = (files: Record<string, string>): string => {
  const dir = tempDir('gowatch-from-air-');
  cleanups.push(dir.cleanup);
  writeTree(dir.dir, files);
  return dir.dir;
};

type Run = CliRun;

const gowatch = (cwd: string, args: readonly string[]): Promise<Run> => runCli(cwd, args, { ...process.env, NO_COLOR: '1' });

const written = (dir: string): Record<string, unknown> => {
  const { $schema: _schema, ...settings } = JSON.parse(readFileSync(path.join(dir, 'buddy.watch.json'), 'utf8')) as Record<string, unknown>;
  return settings;
};

const summary = (notes: readonly { source: string; kind: string }[]) => notes.map((item) => `${item.kind} ${item.source}`);

test("air's own air_example.toml: every key converted or said", () => {
  const conversion = convertAirFile(fixture('air_example.toml'));
  assert.deepEqual(conversion.settings, {
    'go.build.pre': [['sh', '-c', "echo 'hello air' > pre_cmd.txt"]],
    'go.run.env': { APP_ENV: 'dev', APP_USER: 'air' },
    'go.run.args': ['hello', 'world'],
    'go.watch.patterns': ['**/*.go', '**/*.tpl', '**/*.tmpl', '**/*.html', 'go.mod', 'go.sum', 'go.work', 'go.work.sum', '!assets/**', '!tmp/**', '!vendor/**', '!frontend/node_modules/**', '!**/*_test.go', '!.git/**'],
    'go.watch.delay': 0,
    'go.watch.pollInterval': 500,
    'go.run.envFile': ['.env'],
  });
  assert.deepEqual(summary(conversion.notes), [
    'mapped root',
    'mapped build.pre_cmd',
    'not-needed build.cmd',
    'mapped build.cmd',
    'not-needed build.bin',
    'mapped build.full_bin',
    'not-needed build.entrypoint',
    'mapped build.args_bin',
    'mapped build.include_ext',
    'mapped build.exclude_dir',
    'mapped build.exclude_regex',
    'differs build.send_interrupt',
    'no-equivalent build.post_cmd',
    'mapped build.delay',
    'not-needed build.poll',
    'mapped build.poll_interval',
    'not-needed build.rerun',
    'differs build.stop_on_error',
    'not-needed build.rerun_delay',
    'no-equivalent build.windows',
    'mapped env_files',
    'no-equivalent proxy',
    'not-needed color',
    'not-needed tmp_dir',
    'not-needed build.exclude_unchanged',
    'not-needed build.ignore_dangerous_root_dir',
    'not-needed build.follow_symlink',
    'not-needed build.log',
    'no-equivalent log.time',
    'no-equivalent log.main_only',
    'no-equivalent log.silent',
    'not-needed misc.clean_on_exit',
    'no-equivalent screen.clear_on_rebuild',
    'not-needed screen.keep_scroll',
  ]);
  const said = (source: string) => conversion.notes.filter((item) => item.source === source).map((item) => item.text).join('\n');
  assert.match(said('proxy'), /no browser proxy yet/);
  assert.match(said('tmp_dir'), /not|outside the tree/);
  assert.match(said('build.post_cmd'), /when air exits/);
});

test('real-world .air.toml files: make as a pre hook, a regex no glob says is listed, include_dir, air defaults for what is left out', () => {
  const templ = convertAirFile(fixture('templ.air.toml'));
  assert.deepEqual(templ.settings, {
    'go.build.pre': [['sh', '-c', 'templ generate'], ['sh', '-c', 'make build']],
    'go.run.env': { PORT: '3000' },
    'go.run.args': ['--dev'],
    'go.watch.patterns': ['**/*.go', '**/*.templ', '**/*.css', 'go.mod', 'go.sum', 'go.work', 'go.work.sum', '!assets/**', '!tmp/**', '!vendor/**', '!node_modules/**', '!bin/**', '!**/*_templ.go', '!**/*_test.go', '!.git/**'],
    'go.watch.poll': true,
    'go.watch.pollInterval': 1000,
    'go.run.restart': 'always',
    'go.watch.delay': 1000,
  });
  const listed = templ.notes.filter((item) => item.kind === 'no-equivalent').map((item) => `${item.source}: ${item.text}`);
  assert.ok(listed.some((line) => line.startsWith('build.exclude_regex: "mocks?/.*\\\\.go" is no glob')), listed.join('\n'));
  assert.ok(templ.notes.some((item) => item.source === 'build.cmd' && item.kind === 'differs' && /"make build" is no go build/.test(item.text)));
  assert.ok(templ.notes.some((item) => item.source === 'build.delay (air\'s default)'));

  const worker = convertAirFile(fixture('worker.air.toml'));
  assert.deepEqual(worker.settings, {
    'go.build.post': [['sh', '-c', 'echo built']],
    'go.build.flags': ['-ldflags', '-s -w'],
    'go.build.package': './services/worker',
    'go.run.args': ['--queue', 'default'],
    'go.watch.patterns': ['services/worker/**/*.go', 'services/worker/**/*.yaml', 'internal/**/*.go', 'internal/**/*.yaml', 'config.toml', 'go.mod', 'go.sum', 'go.work', 'go.work.sum', '!assets/**', '!tmp/**', '!vendor/**', '!testdata/**', '!internal/gen/schema.go', '!**/*_test.go', '!.git/**'],
    'go.run.stopSignal': 'SIGINT',
    'go.run.stopTimeout': 500,
    'go.watch.delay': 1000,
  });
  assert.ok(worker.notes.some((item) => item.kind === 'no-equivalent' && item.text.startsWith('CGO_ENABLED=0 for go build')));
});

/** An API under cmd/api whose build needs `-tags dev`, stopping on SIGINT, with a template, test data and a test. */
const API_MAIN = `package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	fmt.Printf("api %s\\n", marker())
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	got := <-stop
	// The test reads which signal stopped it.
	if log := os.Getenv("T_SIGNAL_LOG"); log != "" {
		f, _ := os.OpenFile(log, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		fmt.Fprintln(f, got)
		f.Close()
	}
}
`;

test('gowatch init finds .air.toml, converts it, and gowatch run ignores and rebuilds what air did', async () => {
  const dir = project({
    'go.mod': 'module example.com/api\n\ngo 1.22\n',
    'cmd/api/main.go': API_MAIN,
    'cmd/api/dev.go': '//go:build dev\n\npackage main\n\nfunc marker() string { return "dev" }\n',
    'cmd/api/main_test.go': 'package main\n\nimport "testing"\n\nfunc TestMarker(t *testing.T) {}\n',
    'templates/index.tpl': '<h1>one</h1>\n',
    'testdata/page.html': '<p>one</p>\n',
  });
  copyFileSync(fixture('api.air.toml'), path.join(dir, '.air.toml'));

  const first = await gowatch(dir, ['init']);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /^found \.air\.toml and no buddy\.watch\.json: converting \.air\.toml \(air\) into buddy\.watch\.json\n/);
  assert.match(first.stderr, /\n {2}build\.cmd: go build → go\.build\.package "\.\/cmd\/api", go\.build\.flags \["-tags","dev"\]\n/);
  assert.match(first.stderr, /\nwrote buddy\.watch\.json\nnext: npx gowatch run\n$/);
  const config = readFileSync(path.join(dir, 'buddy.watch.json'), 'utf8');
  assert.equal(written(dir)['go.run.stopSignal'], 'SIGINT');

  // Never over a config that is there, as every file init writes.
  const again = await gowatch(dir, ['init', '--from', '.air.toml']);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /buddy\.watch\.json already exists/);
  assert.equal(readFileSync(path.join(dir, 'buddy.watch.json'), 'utf8'), config);

  const signals = `${dir}-signals.log`;
  cleanups.push(() => rmSync(signals, { force: true }));
  const run = new GowatchProcess([], { cwd: dir, env: { T_SIGNAL_LOG: signals } });
  // The build needs -tags dev: the program starting says the flags came through.
  const started = await run.waitForEvent('start');
  const save = (file: string, content: string) => {
    writeFileSync(`${dir}.save`, content);
    renameSync(`${dir}.save`, path.join(dir, file));
  };

  // air's exclude_regex "_test.go": skipped as excluded, as gowatch always does.
  let mark = run.mark();
  save('cmd/api/main_test.go', 'package main\n\nimport "testing"\n\nfunc TestMarker(t *testing.T) { t.Log("two") }\n');
  const skipped = await run.waitFor((event) => event.event === 'skip' && event.files.includes('cmd/api/main_test.go'), mark);
  assert.equal(skipped.event === 'skip' && skipped.reason, 'excluded');

  // An edit in an excluded directory (testdata, of a watched extension) and then a template:
  // the template restarts the program without a build, and the excluded edit is in no change.
  mark = run.mark();
  save('testdata/page.html', '<p>two</p>\n');
  save('templates/index.tpl', '<h1>two</h1>\n');
  const restarted = (await run.waitFor((event) => event.event === 'start' && event.pid !== started.pid, mark)) as Extract<GowatchEvent, { event: 'start' }>;
  const between = run.after(mark).slice(0, run.after(mark).indexOf(restarted));
  assert.deepEqual(between.filter((event) => event.event === 'build-start'), [], JSON.stringify(between));
  const changed = between.flatMap((event) => (event.event === 'change' ? event.files : []));
  assert.ok(changed.includes('templates/index.tpl'), JSON.stringify(between));
  assert.ok(!changed.includes('testdata/page.html'), JSON.stringify(between));
  // send_interrupt = true: the program was stopped with SIGINT.
  assert.equal(readFileSync(signals, 'utf8'), 'interrupt\n');

  // A Go file of the package: a build, then the new program.
  mark = run.mark();
  save('cmd/api/main.go', API_MAIN.replace('"api %s\\n"', '"api two %s\\n"'));
  await run.waitForEvent('build-ok', mark);
  await run.waitFor((event) => event.event === 'start' && event.pid !== restarted.pid, mark);
  await run.stop();
});

test('--from-command: a reflex line and CompileDaemon flags', async () => {
  const reflexDir = project({});
  const reflex = await gowatch(reflexDir, ['init', '--from-command', "reflex -r '\\.go$' -R '^vendor/' -s -- sh -c 'go build -o bin/api ./cmd/api && ./bin/api -port 8080'"]);
  assert.equal(reflex.code, 0, reflex.stderr);
  assert.deepEqual(written(reflexDir), {
    'go.watch.patterns': ['**/*.go', 'go.mod', 'go.sum', 'go.work', 'go.work.sum', '!vendor/**', '!**/*_test.go', '!.git/**'],
    'go.build.package': './cmd/api',
    'go.run.args': ['-port', '8080'],
  });
  assert.ok(reflex.stderr.includes('\n  reflex -R: "^vendor/" → !vendor/**\n'), reflex.stderr);
  assert.match(reflex.stderr, /where gowatch deliberately differs:\n {2}reflex: a _test\.go file never reaches the binary/);

  const daemonDir = project({});
  const daemon = await gowatch(daemonDir, [
    'init',
    '--from-command',
    'CompileDaemon -build="go build -tags dev -o server ./cmd/server" -command="./server -debug" -exclude-dir=.git -exclude-dir=vendor -include="*.tmpl" -graceful-kill=true -graceful-timeout=10 -polling -color=true',
  ]);
  assert.equal(daemon.code, 0, daemon.stderr);
  assert.deepEqual(written(daemonDir), {
    'go.build.flags': ['-tags', 'dev'],
    'go.build.package': './cmd/server',
    'go.run.args': ['-debug'],
    'go.watch.patterns': ['**/*.go', '**/*.c', '**/*.tmpl', 'go.mod', 'go.sum', 'go.work', 'go.work.sum', '!**/.git/**', '!**/vendor/**', '!**/*_test.go', '!.git/**'],
    'go.run.stopTimeout': 10_000,
    'go.watch.poll': true,
    'go.watch.pollInterval': 100,
  });

  // A regex no glob says is listed, never dropped.
  const htmlDir = project({});
  const html = await gowatch(htmlDir, ['init', '--from-command', "reflex -r '\\.(go|html?)$' -- go run ./cmd/web"]);
  assert.equal(html.code, 0, html.stderr);
  assert.ok(html.stderr.includes('\n  reflex -r: "\\\\.(go|html?)$" is no glob: add the patterns it means to go.watch.patterns yourself\n'), html.stderr);
  assert.deepEqual(written(htmlDir)['go.watch.patterns'], ['**/*.go', 'go.mod', 'go.sum', 'go.work', 'go.work.sum', '!**/*_test.go', '!.git/**']);

  const other = await gowatch(project({}), ['init', '--from-command', 'nodemon --exec go run .']);
  assert.equal(other.code, 2);
  assert.equal(other.stderr, 'gowatch: --from-command: expected a reflex or CompileDaemon command line, got "nodemon --exec go run ."\n');
});

test('bad input: a broken .air.toml is one line naming the file and the position; flags that contradict are refused; nothing written', async () => {
  const dir = project({ '.air.toml': 'root = "."\n[build]\ndelay = 1x00\n' });
  const run = await gowatch(dir, ['init']);
  assert.equal(run.code, 2);
  assert.equal(run.stderr, 'gowatch: .air.toml:3:10: not valid TOML: illegal character in numeric literal\n');
  const both = await gowatch(dir, ['init', '--from', '.air.toml', '--template', 'api']);
  assert.equal(both.code, 2);
  assert.equal(both.stderr, 'gowatch: --from converts a setup, so --template and --target do not apply; give one or the other\n');
  const quote = await gowatch(dir, ['init', '--from-command', "reflex -r '\\.go$ -- go run ."]);
  assert.equal(quote.code, 2);
  assert.match(quote.stderr, /^gowatch: --from-command: a ' quote is not closed in .*\n$/);
  assert.equal(existsSync(path.join(dir, 'buddy.watch.json')), false);
});
