import { blameTarget, resolveRunOptions } from '../config/options.js';
import { ContentHashes } from '../go/content-hashes.js';
import { readGoEnv } from '../go/env.js';
import { listMainPackages } from '../go/main-packages.js';
import { TargetState } from '../go/target-state.js';
import { moduleOf } from '../init/find-packages.js';

const MORE = 'gowatch --help lists the commands and flags';

/**
 * Why `gowatch run` could not start in `cwd`: the error its start would end with, found by the
 * same listing and blamed on the same source, but with nothing built, watched or cached.
 * Undefined when the listing succeeds (a package go cannot parse yet): then run starts and waits.
 */
export const whyRunCannotStart = async (cwd: string): Promise<unknown> => {
  const options = resolveRunOptions({}, cwd);
  for (const target of options.targets) {
    try {
      await new TargetState({ ...target.target, env: { ...options.env } }, new ContentHashes()).list();
    } catch (error) {
      return blameTarget(target, error);
    }
  }
  return undefined;
};

/** What to do when bare gowatch finds nothing to run in `cwd`: one line, after the reason. */
export const whatToRun = async (cwd: string): Promise<string> => {
  const mains = await listMainPackages(cwd);
  const first = mains[0];
  if (first !== undefined && mains.length === 1) {
    return `run it with gowatch ${first.relative}; to make it what bare gowatch runs, gowatch init writes it into buddy.watch.json; ${MORE}`;
  }
  if (first !== undefined) {
    return `run one with gowatch ${first.relative}; to run them all from bare gowatch, gowatch init lists them in buddy.watch.json; ${MORE}`;
  }
  const { goMod, goWork } = moduleOf(await readGoEnv(cwd));
  if (goMod === undefined && goWork === undefined) {
    return `go builds inside a module: create one with go mod init MODULE-PATH, then run gowatch again; ${MORE}`;
  }
  return `gowatch runs a program: write a main package (package main with func main, e.g. in cmd/app/main.go), then run gowatch ./cmd/app; ${MORE}`;
};
