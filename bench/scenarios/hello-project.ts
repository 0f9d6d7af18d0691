/**
 * The hello fixture of the side-by-side bench: examples/hello as it is, plus the start recorder,
 * a README and a test file (the unrelated edits).
 */
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from '../bench-args.js';
import { addrArgs, startsFile, startsGo, type Project } from './project.js';

const INITIAL_TEXT = 'Hello from gowatch!';

const greetingGo = (text: string) => `package main\n\nfunc greeting() string {\n\treturn ${JSON.stringify(text)}\n}\n`;

/** A fresh copy of examples/hello in `dir` (emptied first). */
export const helloProject = (dir: string): Project => {
  mkdirSync(dir, { recursive: true });
  const source = path.join(REPO, 'examples', 'hello');
  for (const name of readdirSync(source)) copyFileSync(path.join(source, name), path.join(dir, name));
  const servedFile = path.join(dir, 'greeting.go');
  writeFileSync(servedFile, greetingGo(INITIAL_TEXT));
  writeFileSync(startsFile(dir), startsGo);
  const readme = path.join(dir, 'README.md');
  const test = path.join(dir, 'greeting_test.go');
  writeFileSync(readme, '# hello\n\nThe side-by-side benchmark\'s copy of examples/hello.\n');
  writeFileSync(test, 'package main\n\nimport "testing"\n\nfunc TestGreeting(t *testing.T) {\n\tif greeting() == "" {\n\t\tt.Fatal("empty greeting")\n\t}\n}\n');
  return { name: 'hello', dir, args: addrArgs, probePath: '/', servedFile, initialText: INITIAL_TEXT, servedContent: greetingGo, unrelated: { readme, test } };
};
