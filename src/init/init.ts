import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE_NAME } from '../config/load.js';
import { GowatchError } from '../errors.js';
import { readGoEnv } from '../go/env.js';
import type { MainPackage } from '../go/main-packages.js';
import { choosePackages, type ChosenPackage } from './choose-packages.js';
import { composeConfig } from './compose-config.js';
import { findMainPackages, workspaceOf } from './find-packages.js';
import { schemaPathFor } from './schema-path.js';
import { readTemplate, type Template } from './templates.js';
import { DEFAULT_TEMPLATE } from './template-list.js';
import { writeFiles, type WrittenFile } from './write-files.js';

export type InitOptions = {
  /** Where buddy.watch.json is written, and go looks for the module. */
  readonly dir: string;
  /** A template name; by default "workspace" in a go.work workspace, else "minimal". */
  readonly template?: string;
  /** Packages to configure, as --target gives them; all the main packages found by default. */
  readonly targets: readonly string[];
  readonly force: boolean;
  readonly env: NodeJS.ProcessEnv;
};

export type InitResult = {
  readonly template: Template;
  readonly found: readonly MainPackage[];
  readonly chosen: readonly ChosenPackage[];
  /** Whether --target chose them, rather than init taking every main package found. */
  readonly targetGiven: boolean;
  /** buddy.watch.json first, then the template's own files. */
  readonly written: readonly WrittenFile[];
};

/**
 * `gowatch init`: finds the main packages with go list, composes buddy.watch.json from a
 * template and writes it with the template's files, refusing to replace anything without `force`.
 */
export const runInit = async (options: InitOptions): Promise<InitResult> => {
  // A mistyped name is said before go runs.
  const named = options.template === undefined ? undefined : readTemplate(options.template);
  const goEnv = await readGoEnv(options.dir, options.env);
  const goWork = workspaceOf(goEnv);
  const template = named ?? readTemplate(goWork ? DEFAULT_TEMPLATE.workspace : DEFAULT_TEMPLATE.module);
  if (template.requiresWorkspace && !goWork) {
    throw new GowatchError(
      'usage',
      `--template ${template.name} is for a go.work workspace, and go finds no go.work from ${options.dir}; create one with go work init ./MODULE ./OTHER-MODULE, or choose another template`,
    );
  }
  const found = await findMainPackages(options.dir, goEnv, options.env);
  const chosen = choosePackages(found, options.targets);
  const config = composeConfig(schemaPathFor(options.dir), template.settings, chosen);
  const written = writeFiles(
    options.dir,
    [
      { file: path.join(options.dir, CONFIG_FILE_NAME), shown: CONFIG_FILE_NAME, content: `${JSON.stringify(config, null, 2)}\n` },
      ...template.files.map((rel) => ({ file: path.join(options.dir, rel), shown: rel, content: readFileSync(path.join(template.dir, rel)) })),
    ],
    options.force,
  );
  return { template, found, chosen, targetGiven: options.targets.length > 0, written };
};
