import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { behavingProgram, versionFile } from './behaving-program.js';
import { tempDir, writeTree } from './fixtures.js';
import { GowatchProcess } from './gowatch-process.js';
import { markedSurvivors } from './processes.js';

export const MARKER = 'GOWATCH_TEST_MARKER';

export type ProjectOptions = {
  readonly config?: Record<string, unknown>;
  /** The program's misbehaviour (see behaving-program.ts). */
  readonly programEnv?: Record<string, string>;
  readonly args?: string[];
  readonly stdin?: 'pipe' | 'ignore';
  readonly cacheDir: string;
  readonly wrap?: string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Extra files of the module. */
  readonly files?: Record<string, string>;
};

/**
 * A Go module running the behaving program under a real `gowatch run --json`. Every process
 * of the scenario carries a marker variable, so the test can tell afterwards whether anything
 * it caused survived.
 */
export const behavingProject = (name: string, options: ProjectOptions) => {
  const fixture = tempDir(`gowatch-${name}-`);
  const marker = randomUUID();
  const versionsFile = path.join(fixture.dir, 'versions.txt');
  writeTree(fixture.dir, {
    'go.mod': `module example.com/${name}\n\ngo 1.22\n`,
    ...behavingProgram('v0'),
    ...options.files,
    'buddy.watch.json': JSON.stringify({ 'go.run.env': { VERSIONS_FILE: versionsFile, ...options.programEnv }, ...options.config }),
  });
  const start = () =>
    new GowatchProcess(options.args ?? [], {
      cwd: fixture.dir,
      env: { GOWATCH_CACHE_DIR: options.cacheDir, [MARKER]: marker, ...options.env },
      stdin: options.stdin ?? 'ignore',
      ...(options.wrap ? { wrap: options.wrap } : {}),
    });
  const lines = (): string[] => (existsSync(versionsFile) ? readFileSync(versionsFile, 'utf8').split('\n').filter(Boolean) : []);
  /** The pid of the program that started as `version`, once it has. */
  const served = async (version: string, timeoutMs = 60_000): Promise<number> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = lines().find((l) => l.startsWith(`${version} `));
      if (line) return Number(line.split(' ')[1]);
      if (Date.now() > deadline) throw new Error(`version ${version} never started; versions: ${lines().join(' | ')}`);
      await sleep(25);
    }
  };
  return {
    dir: fixture.dir,
    marker,
    start,
    lines,
    served,
    /** The version of the newest program that started. */
    latest: () => lines().filter((l) => !l.startsWith('stdin:')).at(-1)?.split(' ')[0],
    setVersion: (version: string) => writeFileSync(path.join(fixture.dir, 'version.go'), versionFile(version)),
    survivors: (timeoutMs?: number) => markedSurvivors(MARKER, marker, timeoutMs),
    cleanup: fixture.cleanup,
  };
};
