import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { tempDir } from './support/fixtures.js';
import { runCli } from './support/run-cli.js';

/**
 * --version and --help load only what they use: no command's module and nothing a command needs
 * (the config schema and zod, go, the watcher, doctor, init). What Node loads is seen through a
 * module hook, registered with --import, that writes the URL of every module it loads to a file.
 */

const scratch = tempDir('gowatch-lazy-');
after(scratch.cleanup);

/** The URLs of the modules `gowatch ARGS` loads, and how it ended. */
const loadedBy = async (args: readonly string[]) => {
  const name = args.join(' ').replace(/\W+/g, '-');
  const log = path.join(scratch.dir, `${name}.txt`);
  const hooks = path.join(scratch.dir, `${name}-hooks.mjs`);
  const register = path.join(scratch.dir, `${name}-register.mjs`);
  writeFileSync(log, '');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';\nexport const load = async (url, context, next) => {\n  appendFileSync(${JSON.stringify(log)}, url + '\\n');\n  return next(url, context);\n};\n`,
  );
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  const run = await runCli(scratch.dir, args, { ...process.env, NODE_OPTIONS: `--import=${pathToFileURL(register).href}` });
  return { run, loaded: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
};

const NOT_NEEDED = [
  /\/node_modules\/(zod|chokidar|@parcel\/watcher)\//,
  /\/src\/cli\/(run|inspect|profile|doctor|init|cache)-command\.js$/,
  /\/src\/(config\/schema|events|gowatch)\.js$/,
  /\/src\/(doctor|go|watch|reload|supervise|profile|debug)\//,
  /\/src\/init\/(init|templates)\.js$/,
];

for (const args of [['--version'], ['--help'], ['init', '--help'], ['doctor', '--help']]) {
  test(`gowatch ${args.join(' ')} loads no command's modules`, async () => {
    const { run, loaded } = await loadedBy(args);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(loaded.some((url) => url.endsWith('/src/cli/program.js')), `the hook saw gowatch load:\n${loaded.join('\n')}`);
    assert.deepEqual(loaded.filter((url) => NOT_NEEDED.some((pattern) => pattern.test(url))), []);
  });
}
