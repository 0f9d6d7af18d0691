import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'jsonc-parser';
import { tempDir, writeTree } from './support/fixtures.js';
import { CLI } from './support/gowatch-process.js';
import { HumanRun } from './support/human-run.js';
import { replaceFile } from './support/shop.js';
import { which } from './support/which.js';
import { runCli, type CliRun } from './support/run-cli.js';

/**
 * `gowatch init --editor vscode` as a user runs it, and what VS Code then does with the files:
 * the problem matcher's regular expressions, read back from the tasks.json init wrote and
 * compiled as JavaScript (as VS Code compiles them), are applied to the real human output of
 * a real `gowatch run` (real go, real compile errors), with one target on a terminal (colours,
 * as in VS Code's task terminal) and with two targets (prefixed lines). The merges into
 * existing .vscode files are checked byte for byte.
 */
const TIMEOUT = { timeout: 180_000 };

type Run = CliRun;

const gowatch = (cwd: string, args: readonly string[]): Promise<Run> => runCli(cwd, args, { ...process.env, NO_COLOR: '1', GOTOOLCHAIN: 'local', GOWORK: '' });

const initEditor = async (cwd: string, args: readonly string[] = []): Promise<string> => {
  const run = await gowatch(cwd, ['init', '--editor', 'vscode', ...args]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, '');
  return run.stderr;
};

const project = (t: TestContext, files: Record<string, string>): { dir: string; staging: string } => {
  const fixture = tempDir('gowatch-editor-');
  const staging = tempDir('gowatch-editor-staging-');
  t.after(() => [fixture, staging].forEach((dir) => dir.cleanup()));
  writeTree(fixture.dir, files);
  return { dir: fixture.dir, staging: staging.dir };
};

/** The problem matcher of the task init wrote, as VS Code compiles it. */
type Matcher = { readonly diagnostic: RegExp; readonly begins: RegExp; readonly ends: RegExp; readonly fileLocation: unknown };

const readMatcher = (dir: string): Matcher => {
  const tasks = JSON.parse(readFileSync(path.join(dir, '.vscode', 'tasks.json'), 'utf8')) as {
    tasks: { label: string; problemMatcher: { pattern: { regexp: string }; background: { beginsPattern: string; endsPattern: string }; fileLocation: unknown } }[];
  };
  const { problemMatcher } = tasks.tasks.find((task) => task.label === 'gowatch: run')!;
  return {
    diagnostic: new RegExp(problemMatcher.pattern.regexp),
    begins: new RegExp(problemMatcher.background.beginsPattern),
    ends: new RegExp(problemMatcher.background.endsPattern),
    fileLocation: problemMatcher.fileLocation,
  };
};

const SGR = /\u001b\[[0-9;]*m/g;
const plain = (line: string): string => line.replace(SGR, '');

const lastIndexWhere = (lines: readonly string[], found: (line: string) => boolean): number => {
  for (let i = lines.length - 1; i >= 0; i--) if (found(lines[i]!)) return i;
  return -1;
};

type Located = { file: string; line: number; column: number | undefined; message: string };

/** What VS Code reads from a diagnostic line, by the pattern's groups (file 1, line 2, column 3, message 4). */
const located = (matcher: Matcher, line: string): Located | undefined => {
  const match = matcher.diagnostic.exec(line);
  if (!match) return undefined;
  return { file: match[1]!, line: Number(match[2]), column: match[3] === undefined ? undefined : Number(match[3]), message: match[4]! };
};

/**
 * Which lines each pattern matches, as written (colour codes and all) and as VS Code's
 * terminal shows them (without): the same lines either way.
 */
const classify = (matcher: Matcher, lines: readonly string[]) => {
  const pick = (pattern: RegExp, asShown: (line: string) => string) => lines.filter((line) => pattern.test(asShown(line))).map(plain);
  const both = (pattern: RegExp) => {
    const raw = pick(pattern, (line) => line);
    assert.deepEqual(pick(pattern, plain), raw, `${pattern} matches the same lines with colours and without`);
    return raw;
  };
  return { begins: both(matcher.begins), ends: both(matcher.ends), diagnostics: both(matcher.diagnostic) };
};

/** `gowatch run` on a real terminal (util-linux script's pty), as a VS Code task runs it: gowatch colours its lines. */
class TerminalRun {
  readonly #child;
  readonly exited: Promise<number | null>;
  #output = '';

  constructor(t: TestContext, cwd: string) {
    const { NO_COLOR: _no, FORCE_COLOR: _force, ...env } = process.env;
    this.#child = spawn('script', ['-qfec', `'${process.execPath}' '${CLI}' run`, '/dev/null'], {
      cwd,
      env: { ...env, GOTOOLCHAIN: 'local', GOWORK: '', GOWATCH_POLL: '', CHOKIDAR_USEPOLLING: '' },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.#child.stdout.on('data', (data: Buffer) => (this.#output += data.toString('utf8')));
    this.exited = new Promise((resolve) => this.#child.once('exit', (code) => resolve(code)));
    t.after(async () => {
      if (this.#child.exitCode === null) await this.stop();
    });
  }

  /** The lines written so far, as written. */
  get lines(): string[] {
    return this.#output.split(/\r?\n/);
  }

  /** Waits until the lines, without colours, satisfy `done`. */
  async until(what: string, done: (plainLines: string[]) => boolean, timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.lines.map(plain))) {
      if (Date.now() > deadline || this.#child.exitCode !== null) throw new Error(`never ${what}; output:\n${this.lines.map(plain).join('\n')}`);
      await sleep(50);
    }
  }

  /** Ctrl-C on the terminal, as a person stops it. */
  async stop(): Promise<number | null> {
    this.#child.stdin.write('\x03');
    return this.exited;
  }
}

const goFile = (pkg: string, body: string): string => `package ${pkg}\n\n${body}\n`;

/** A main package that prints `printed` (expressions of the packages it imports) and stays up. */
const printingMain = (imports: readonly string[], printed: string): string =>
  goFile(
    'main',
    `import (
	"fmt"
	"time"

${imports.map((pkg) => `\t"${pkg}"`).join('\n')}
)

func main() {
	fmt.Println(${printed})
	for {
		time.Sleep(time.Hour)
	}
}`,
  );

const MAIN = printingMain(['example.com/editor/greet', 'example.com/editor/internal/words'], 'greet.Hello(), words.Count()');
const GREET = goFile('greet', 'func Hello() string { return "hello" }');
const GREET_BROKEN = goFile('greet', 'func Hello() string { return 42 }');
const WORDS = goFile('words', 'func Count() int { return 1 }');
/** Assembly go cannot assemble on any architecture: its errors have a line and no column. */
const WORDS_ASM = '#include "textflag.h"\n\nTEXT ·Bogus(SB), NOSPLIT, $0\n\tBOGUS\n\tRET\n';

test('one target on a terminal: the matcher finds each build error, with and without a column, and a build\'s start and end (ok, failed, fixed)', TIMEOUT, async (t) => {
  if (!which('script')) {
    t.skip('script (util-linux) is not installed: no terminal to run gowatch on');
    return;
  }
  const p = project(t, {
    'go.mod': 'module example.com/editor\n\ngo 1.22\n',
    'package.json': JSON.stringify({ name: 'editor', private: true, devDependencies: { gowatch: '^0.1.0' } }),
    'main.go': MAIN,
    'greet/greet.go': GREET,
    'internal/words/words.go': WORDS,
  });
  const said = await initEditor(p.dir);
  assert.match(said, /^wrote buddy\.watch\.json: /m);
  assert.match(said, /^wrote \.vscode\/tasks\.json: task "gowatch: run" runs npx gowatch run, its build errors to the Problems panel$/m);
  assert.match(said, /^wrote \.vscode\/launch\.json: configuration "gowatch: attach" attaches to Delve on 127\.0\.0\.1:2345$/m);
  const tasks = JSON.parse(readFileSync(path.join(p.dir, '.vscode/tasks.json'), 'utf8')) as { tasks: Record<string, unknown>[] };
  assert.equal(tasks.tasks[0]!['command'], 'npx gowatch run', 'gowatch is a dev dependency: npx finds it');
  const matcher = readMatcher(p.dir);
  assert.deepEqual(matcher.fileLocation, ['relative', '${workspaceFolder}']);

  const run = new TerminalRun(t, p.dir);
  const startsRunning = (lines: string[]) => lines.some((line) => /^\[gowatch\] starting /.test(line));
  await run.until('started the program', startsRunning);

  replaceFile(p.staging, path.join(p.dir, 'greet/greet.go'), GREET_BROKEN);
  writeFileSync(path.join(p.dir, 'internal/words/words.s'), WORDS_ASM);
  const failedWithBoth = (lines: string[]) => {
    const last = lastIndexWhere(lines, (line) => line.startsWith('[gowatch] build failed'));
    const after = lines.slice(last + 1);
    return last >= 0 && after.some((line) => line.includes('greet.go:')) && after.some((line) => line.includes('words.s:'));
  };
  await run.until('said both errors of one failed build', failedWithBoth);
  // Fixing them may fail a build on the way: the errors asserted are those of this one.
  const failed = run.lines.length;

  replaceFile(p.staging, path.join(p.dir, 'greet/greet.go'), GREET);
  rmSync(path.join(p.dir, 'internal/words/words.s'));
  await run.until('said the errors are fixed', (lines) => lines.some((line) => line.startsWith('[gowatch] build errors fixed')));
  assert.equal(await run.stop(), 130);

  const lines = run.lines;
  assert.ok(lines.some((line) => line.includes('\u001b[')), 'gowatch coloured its lines on the terminal');
  const found = classify(matcher, lines);

  assert.ok(found.begins.length >= 2, found.begins.join('\n'));
  for (const line of found.begins) assert.match(line, /^\[gowatch\] (building \.…|changed \S)/);
  assert.ok(found.begins.some((line) => line.startsWith('[gowatch] building ')), 'a build starts');
  assert.ok(found.begins.some((line) => line.startsWith('[gowatch] changed ')), 'a save starts what "build errors fixed" ends');
  const endings = found.ends.map((line) => line.replace(/ in \d+ ms.*/, ' in N ms…'));
  assert.ok(endings.includes('[gowatch] built . in N ms…'), endings.join('\n'));
  assert.ok(endings.includes('[gowatch] build failed in N ms…'), endings.join('\n'));
  assert.equal(endings.at(-1), '[gowatch] build errors fixed: the running program is current (no rebuild needed)');
  const endedOrBegun = new Set([...found.begins, ...found.ends]);
  const allGowatch = lines.map(plain).filter((line) => /^\[gowatch\] (building|changed|built|build failed|build errors fixed)/.test(line));
  assert.deepEqual(allGowatch.filter((line) => !endedOrBegun.has(line)), [], 'every start and end of a build is matched');

  // The errors of the build that failed with both, as the Problems panel gets them.
  const last = lastIndexWhere(lines.slice(0, failed).map(plain), (line) => line.startsWith('[gowatch] build failed'));
  const problems = lines
    .slice(last + 1, failed)
    .map((line) => located(matcher, line))
    .filter((problem): problem is Located => problem !== undefined);
  const greet = problems.find((problem) => problem.file.endsWith('greet.go'));
  const words = problems.find((problem) => problem.file.endsWith('words.s'));
  assert.deepEqual(greet && { ...greet, message: greet.message.replace(/ \(.*\)/, '') }, {
    file: 'greet/greet.go',
    line: 3,
    column: 30,
    message: 'cannot use 42 as string value in return statement',
  });
  assert.equal(words?.file, 'internal/words/words.s');
  assert.equal(words.line, 4);
  assert.equal(words.column, undefined, 'go gives no column for assembly: the pattern leaves it out');
  assert.match(words.message, /BOGUS/);
  for (const problem of problems) {
    const file = path.resolve(p.dir, problem.file);
    assert.ok(file.startsWith(`${p.dir}${path.sep}`), `${problem.file} resolves under the workspace folder`);
  }
  // Only located errors are problems: not go's line without a place, the program's output, gowatch's other lines.
  assert.ok(lines.some((line) => plain(line).startsWith('  asm: assembly of')), 'go says the assembly failed, on a line of its own');
  assert.deepEqual([...new Set(found.diagnostics.map((line) => located(matcher, line)!.file))].sort(), ['greet/greet.go', 'internal/words/words.s']);
});

test('two targets: the matcher finds the errors and each target\'s build start and end behind its name', TIMEOUT, async (t) => {
  const main = printingMain(['example.com/two/internal/shared', 'example.com/two/internal/shared/deep'], 'shared.Name(), deep.Depth()');
  const shared = goFile('shared', 'func Name() string { return "shared" }');
  const deep = goFile('deep', 'func Depth() int { return 2 }');
  const p = project(t, {
    'go.mod': 'module example.com/two\n\ngo 1.22\n',
    'cmd/api/main.go': main,
    'cmd/worker/main.go': main,
    'internal/shared/shared.go': shared,
    'internal/shared/deep/deep.go': deep,
  });
  const said = await initEditor(p.dir);
  assert.match(said, /a target for each: api \(\.\/cmd\/api\), worker \(\.\/cmd\/worker\)/);
  assert.match(said, /task "gowatch: run" runs gowatch run,/, 'no package.json depends on gowatch: it runs from PATH');
  const matcher = readMatcher(p.dir);

  const cache = tempDir('gowatch-editor-cache-');
  t.after(cache.cleanup);
  const run = new HumanRun(t, { cwd: p.dir, cache: cache.dir, outputDir: p.staging, args: [] });
  await run.nextAll(['[gowatch] api    │ starting api', '[gowatch] worker │ starting worker']);

  replaceFile(p.staging, path.join(p.dir, 'internal/shared/shared.go'), goFile('shared', 'func Name() string { return nil }'));
  replaceFile(p.staging, path.join(p.dir, 'internal/shared/deep/deep.go'), goFile('deep', 'func Depth() int { return "two" }'));
  const bothSaid = (text: string, target: string) => {
    const last = text.lastIndexOf(`${target} │ build failed`);
    const after = text.slice(last);
    return last >= 0 && after.includes('shared.go:') && after.includes('deep.go:');
  };
  for (const deadline = Date.now() + 90_000; !(bothSaid(run.text, 'api   ') && bothSaid(run.text, 'worker')); await sleep(50)) {
    if (Date.now() > deadline) throw new Error(`never said both errors for both targets:\n${run.text}`);
  }
  replaceFile(p.staging, path.join(p.dir, 'internal/shared/shared.go'), goFile('shared', 'func Name() string { return "fixed" }'));
  replaceFile(p.staging, path.join(p.dir, 'internal/shared/deep/deep.go'), goFile('deep', 'func Depth() int { return 3 }'));
  const restarted = (target: string) => new RegExp(`${target} +│ starting ${target} \\(old one stopped`);
  for (const deadline = Date.now() + 90_000; !(restarted('api').test(run.text) && restarted('worker').test(run.text)); await sleep(50)) {
    if (Date.now() > deadline) throw new Error(`never restarted both:\n${run.text}`);
  }
  await run.stop();

  const lines = run.text.split('\n');
  const found = classify(matcher, lines);
  for (const target of ['api   ', 'worker']) {
    assert.ok(found.begins.includes(`[gowatch] ${target} │ building ${target.trim()}…`), `${target}'s build start:\n${found.begins.join('\n')}`);
    assert.ok(found.ends.includes(`[gowatch] ${target} │ build failed in N ms; the previous program keeps running`), found.ends.join('\n'));
    assert.ok(found.ends.includes(`[gowatch] ${target} │ built ${target.trim()} in N ms`), found.ends.join('\n'));
  }
  assert.ok(!found.begins.some((line) => found.ends.includes(line)), 'no line both begins and ends');
  const problems = new Set(lines.map((line) => located(matcher, line)).filter((problem) => problem !== undefined).map((problem) => JSON.stringify(problem)));
  assert.deepEqual(
    [...problems].map((problem) => JSON.parse(problem) as Located).map(({ file, line, column }) => ({ file, line, column })).sort((a, b) => a.file.localeCompare(b.file)),
    [
      { file: 'internal/shared/deep/deep.go', line: 3, column: 27 },
      { file: 'internal/shared/shared.go', line: 3, column: 29 },
    ],
  );
  for (const problem of problems) assert.ok(existsSync(path.resolve(p.dir, (JSON.parse(problem) as Located).file)));
});

/** A project init leaves its config to: only the editor's files are written. */
const configured = (t: TestContext, files: Record<string, string> = {}) => project(t, { 'buddy.watch.json': '{}\n', ...files }).dir;

const LAUNCH_WITH_COMMENTS = `{
    // Use IntelliSense to learn about possible attributes.
    "version": "0.2.0",
    "configurations": [
        {
            "name": "Launch Package", // mine
            "type": "go",
            "request": "launch",
            "mode": "auto",
            "program": "\${fileDirname}",
        },
    ],
}
`;

test('an existing launch.json with comments and a configuration of its own keeps both, and its comments', TIMEOUT, async (t) => {
  const dir = configured(t, { '.vscode/launch.json': LAUNCH_WITH_COMMENTS });
  const said = await initEditor(dir);
  assert.equal(
    said,
    [
      'kept buddy.watch.json as it is (gowatch init --force writes a new one)',
      'wrote .vscode/tasks.json: task "gowatch: run" runs gowatch run, its build errors to the Problems panel',
      'added configuration "gowatch: attach" to .vscode/launch.json: attaches to Delve on 127.0.0.1:2345',
      'in VS Code: Terminal › Run Task… › gowatch: run',
      '',
    ].join('\n'),
  );
  const text = readFileSync(path.join(dir, '.vscode/launch.json'), 'utf8');
  const mine = LAUNCH_WITH_COMMENTS.indexOf('    ],');
  const added = `        {
            "name": "gowatch: attach",
            "type": "go",
            "request": "attach",
            "mode": "remote",
            "host": "127.0.0.1",
            "port": 2345
        },
`;
  assert.equal(text, `${LAUNCH_WITH_COMMENTS.slice(0, mine)}${added}${LAUNCH_WITH_COMMENTS.slice(mine)}`, 'in the file\'s own layout, the rest byte for byte');
  const launch = parse(text, [], { allowTrailingComma: true }) as { configurations: Record<string, unknown>[] };
  assert.deepEqual(
    launch.configurations.map((configuration) => configuration['name']),
    ['Launch Package', 'gowatch: attach'],
  );
});

test('a launch.json without a list of configurations gets one, below what is there', TIMEOUT, async (t) => {
  const dir = configured(t, { '.vscode/launch.json': '{\n    "version": "0.2.0" // the format\n}\n' });
  assert.match(await initEditor(dir), /^added configuration "gowatch: attach" to \.vscode\/launch\.json: /m);
  assert.equal(
    readFileSync(path.join(dir, '.vscode/launch.json'), 'utf8'),
    `{
    "version": "0.2.0", // the format
    "configurations": [
        {
            "name": "gowatch: attach",
            "type": "go",
            "request": "attach",
            "mode": "remote",
            "host": "127.0.0.1",
            "port": 2345
        }
    ]
}
`,
  );
});

test('a launch.json that cannot be read is left byte for byte, and init says what to add', TIMEOUT, async (t) => {
  const broken = '{\n  "configurations": [\n    { "name": "mine" \n  ]\n}\n';
  const dir = configured(t, { '.vscode/launch.json': broken });
  const said = await initEditor(dir);
  assert.equal(readFileSync(path.join(dir, '.vscode/launch.json'), 'utf8'), broken);
  const lines = said.split('\n');
  const at = lines.findIndex((line) => line.startsWith('left .vscode/launch.json'));
  assert.equal(
    lines[at],
    'left .vscode/launch.json as it is: it is not JSON with comments (line 4, column 3: comma expected); add this configuration to its "configurations" list:',
  );
  const snippet = lines.slice(at + 1).filter((line) => line.startsWith('  '));
  assert.deepEqual(JSON.parse(snippet.join('\n')), { name: 'gowatch: attach', type: 'go', request: 'attach', mode: 'remote', host: '127.0.0.1', port: 2345 });
  assert.ok(existsSync(path.join(dir, '.vscode/tasks.json')), 'the other file is written all the same');
});

test('a second init --editor vscode changes nothing, and says so', TIMEOUT, async (t) => {
  const dir = configured(t);
  await initEditor(dir);
  const before = ['tasks.json', 'launch.json'].map((file) => readFileSync(path.join(dir, '.vscode', file)));
  const said = await initEditor(dir);
  assert.deepEqual(
    ['tasks.json', 'launch.json'].map((file) => readFileSync(path.join(dir, '.vscode', file))),
    before,
  );
  assert.equal(
    said,
    [
      'kept buddy.watch.json as it is (gowatch init --force writes a new one)',
      'left .vscode/tasks.json as it is: it has a task "gowatch: run"',
      'left .vscode/launch.json as it is: it has a configuration "gowatch: attach"',
      'in VS Code: Terminal › Run Task… › gowatch: run',
      '',
    ].join('\n'),
  );
});

test('a tasks.json of other tasks gets gowatch\'s added; a config\'s go.debug.listen is where launch.json attaches', TIMEOUT, async (t) => {
  const tasks = '{\r\n\t"version": "2.0.0",\r\n\t"tasks": [\r\n\t\t{ "label": "lint", "type": "shell", "command": "golangci-lint run" }\r\n\t]\r\n}\r\n';
  const dir = configured(t, { 'buddy.watch.json': '{ "go.debug.listen": "[::1]:40000" }\n', '.vscode/tasks.json': tasks });
  const said = await initEditor(dir);
  assert.match(said, /^added task "gowatch: run" to \.vscode\/tasks\.json: runs gowatch run/m);
  assert.match(said, /^wrote \.vscode\/launch\.json: configuration "gowatch: attach" attaches to Delve on ::1:40000$/m);
  const text = readFileSync(path.join(dir, '.vscode/tasks.json'), 'utf8');
  assert.ok(text.startsWith('{\r\n\t"version": "2.0.0",\r\n\t"tasks": [\r\n\t\t{ "label": "lint", "type": "shell", "command": "golangci-lint run" },'), text);
  assert.ok(!/[^\r]\n/.test(text), 'the file\'s CRLF line ends are kept');
  assert.deepEqual(
    (JSON.parse(text) as { tasks: { label: string }[] }).tasks.map((task) => task.label),
    ['lint', 'gowatch: run'],
  );
  const launch = JSON.parse(readFileSync(path.join(dir, '.vscode/launch.json'), 'utf8')) as { configurations: Record<string, unknown>[] };
  assert.deepEqual([launch.configurations[0]!['host'], launch.configurations[0]!['port']], ['::1', 40000]);
});

test('a go.debug.listen that is no address is refused in one line, and nothing is written', TIMEOUT, async (t) => {
  const dir = configured(t, { 'buddy.watch.json': '{ "go.debug.listen": "2345" }\n' });
  const run = await gowatch(dir, ['init', '--editor', 'vscode']);
  assert.equal(run.code, 2);
  assert.equal(run.stderr, `gowatch: ${path.join(dir, 'buddy.watch.json')}: "go.debug.listen": expected HOST:PORT such as "127.0.0.1:2345", got "2345"\n`);
  assert.ok(!existsSync(path.join(dir, '.vscode')));
});

test('an unknown editor is refused with the names there are', TIMEOUT, async (t) => {
  const dir = configured(t);
  const run = await gowatch(dir, ['init', '--editor', 'vscdoe']);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /^gowatch: --editor: unknown editor "vscdoe" \(did you mean "vscode"\?\); the editors are vscode\n/);
  assert.ok(!existsSync(path.join(dir, '.vscode')));
});

test('gowatch init --help lists --editor and the editors', TIMEOUT, async (t) => {
  const help = await gowatch(configured(t), ['init', '--help']);
  assert.equal(help.code, 0);
  // Commander wraps the description to the terminal's width: the words, wherever the lines break.
  assert.match(help.stdout, /^ {2}--editor <name> +also write this editor's files to run gowatch and\s+attach a/m);
  assert.match(help.stdout, /^Editors \(--editor NAME; .*\):\n {2}vscode {2}\.vscode\/tasks\.json: a task running gowatch, its build errors in the Problems panel; \.vscode\/launch\.json: an attach to Delve$/m);
});
