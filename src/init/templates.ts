import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { didYouMean } from '../config/did-you-mean.js';
import { quote } from '../text/quote.js';
import { GowatchError } from '../errors.js';
import { MANIFEST, templateNames, TEMPLATES_DIR } from './template-list.js';

/** The config of a template; every other file of its directory but the manifest is copied as is. */
const TEMPLATE_CONFIG = 'buddy.watch.json';

/** A template's template.json: what `init --help` says of it and what init says once it is written. */
const manifestSchema = z
  .object({
    description: z.string(),
    /** Lines init prints after writing: what the user's program should do for the template to work. */
    notes: z.array(z.string()).default([]),
    /** The command to run next, when it is not `npx gowatch run`. */
    next: z.string().optional(),
    /** Only for a go.work workspace: init refuses it elsewhere. */
    requiresWorkspace: z.boolean().default(false),
  })
  .strict();

export type Template = z.infer<typeof manifestSchema> & {
  readonly name: string;
  readonly dir: string;
  /** The template's settings; its "$schema" (right inside templates/ only) is left out, as init computes one. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** Files init copies beside the config, relative to the template's directory, with "/" separators. */
  readonly files: readonly string[];
};

const readManifest = (dir: string) => manifestSchema.parse(JSON.parse(readFileSync(path.join(dir, MANIFEST), 'utf8')));

const extraFiles = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .filter((rel) => rel !== MANIFEST && rel !== TEMPLATE_CONFIG)
    .sort();

/** The template `name`; an unknown name is refused with the names there are. */
export const readTemplate = (name: string, root = TEMPLATES_DIR): Template => {
  const names = templateNames(root);
  if (!names.includes(name)) {
    throw new GowatchError('usage', `--template: unknown template ${quote(name)}${didYouMean(name, names)}; the templates are ${names.join(', ')}`);
  }
  const dir = path.join(root, name);
  const { $schema: _schema, ...settings } = JSON.parse(readFileSync(path.join(dir, TEMPLATE_CONFIG), 'utf8')) as Record<string, unknown>;
  return { ...readManifest(dir), name, dir, settings, files: extraFiles(dir) };
};
