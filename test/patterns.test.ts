import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_PATTERNS } from '../src/config/schema.js';
import { compilePatterns, globProblem } from '../src/watch/patterns.js';

const defaults = compilePatterns(DEFAULT_PATTERNS);
const triggers = (rel: string) => defaults.include(rel) !== undefined && defaults.exclusion(rel) === undefined;

test('default patterns take Go sources and module files', () => {
  for (const rel of ['main.go', 'cmd/api/main.go', 'go.mod', 'go.sum', 'go.work', 'go.work.sum']) {
    assert.equal(triggers(rel), true, rel);
  }
});

test('default exclusions win over the includes, whatever the order', () => {
  for (const rel of ['a_test.go', 'pkg/x/x_test.go', 'vendor/github.com/x/y.go', 'pkg/testdata/t.go', 'web/node_modules/m/x.go', '.git/HEAD']) {
    assert.equal(triggers(rel), false, rel);
  }
  const reordered = compilePatterns(['!**/*_test.go', '**/*.go']);
  assert.equal(reordered.exclusion('a_test.go'), '!**/*_test.go');
  assert.equal(reordered.include('a.go'), '**/*.go');
});

test('non-Go files trigger only when a pattern names them', () => {
  assert.equal(triggers('README.md'), false);
  const withConfig = compilePatterns([...DEFAULT_PATTERNS, 'config/*.yaml']);
  assert.equal(withConfig.include('config/app.yaml'), 'config/*.yaml');
});

test('excluded directories are prunable as plain directories', () => {
  assert.equal(defaults.prunesDir('vendor'), true);
  assert.equal(defaults.prunesDir('a/b/node_modules'), true);
  assert.equal(defaults.prunesDir('.git'), true);
  assert.equal(defaults.prunesDir('internal/testdata'), true);
  assert.equal(defaults.prunesDir('internal'), false);
  assert.equal(defaults.prunesDir('cmd/vendored'), false);
});

test('bad globs are explained', () => {
  assert.match(globProblem('src/[a-z.go') ?? '', /not a valid glob/);
  assert.match(globProblem('/abs/*.go') ?? '', /absolute/);
  assert.match(globProblem('../x/*.go') ?? '', /leaves the project root/);
  assert.match(globProblem('!') ?? '', /empty glob/);
  assert.equal(globProblem('**/*.{go,mod}'), undefined);
});
