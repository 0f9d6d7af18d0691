/**
 * One cold first-closure computation, in a fresh Node process (no warm JIT, no file states):
 * what `gowatch run` does at startup. run.ts starts it once per repetition.
 *
 *   node dist/bench/first-closure.js load   DIR PKG   → TargetState.load(), as gowatch does it
 *   node dist/bench/first-closure.js pieces DIR PKG   → the same steps, each timed
 *
 * Prints one JSON line of milliseconds.
 */
import { performance } from 'node:perf_hooks';
import { resolveTarget } from '../src/config/options.js';
import { FileSetDigest } from '../src/go/build-key.js';
import { listClosure } from '../src/go/closure.js';
import { ContentHashes } from '../src/go/content-hashes.js';
import { readGoEnv } from '../src/go/env.js';
import { TargetState } from '../src/go/target-state.js';

const [mode, dir, pkg] = process.argv.slice(2);
if ((mode !== 'load' && mode !== 'pieces') || !dir || !pkg) {
  console.error('usage: first-closure.js load|pieces DIR PKG');
  process.exit(2);
}
const spec = resolveTarget(pkg, dir, [], 'bench');

if (mode === 'load') {
  const started = performance.now();
  const target = new TargetState(spec, new ContentHashes());
  const stats = await target.load();
  const totalMs = performance.now() - started;
  const keyStarted = performance.now();
  target.key();
  console.log(JSON.stringify({ totalMs, reportedMs: stats.durationMs, keyMs: performance.now() - keyStarted, ...stats }));
} else {
  let t = performance.now();
  const lap = () => {
    const now = performance.now();
    const ms = now - t;
    t = now;
    return ms;
  };
  const goEnv = await readGoEnv(spec.cwd);
  const envMs = lap();
  const closure = await listClosure({ ...spec, goEnv });
  const listMs = lap();
  const hashes = new ContentHashes();
  const tracked = [...new Set([...closure.inputFiles, ...closure.moduleFiles, ...closure.ignoredFiles])];
  const states = await hashes.ensure(tracked);
  const hashMs = lap();
  const byFile = new Map(tracked.map((file, index) => [file, states[index]]));
  FileSetDigest.of(closure.inputFiles, (file) => byFile.get(file));
  const digestMs = lap();
  console.log(JSON.stringify({ envMs, listMs, hashMs, digestMs, files: tracked.length, packages: closure.packages.length }));
}
