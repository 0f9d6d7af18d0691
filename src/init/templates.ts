import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { didYouMean } from '../config/did-you-mean.js';
import { quote } from '../text/quote.js';
import { GowatchError } from '../errors.js';

/** templates/ of the running package: beside dist/, both in a clone and once installed. */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../../templates/', import.meta.url));

/** The config of a template; every other file of its directory but the manifest is copied as is. */
const TEMPLATE_CONFIG = 'buddy.watch.json';
const MANIFEST = 'template.json';

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

export type TemplateSummary = { readonly name: string; readonly description: string };

export type Template = z.infer<typeof manifestSchema> & {
  readonly name: string;
  readonly dir: string;
  /** The template's settings; its "$schema" (right inside templates/ only) is left out, as init computes one. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** Files init copies beside the config, relative to the template's directory, with "/" separators. */
  readonly files: readonly string[];
};

const readManifest = (dir: string) => manifestSchema.parse(JSON.parse(readFileSync(path.join(dir, MANIFEST), 'utf8')));

/** The names of the templates: the directories of `root` that hold a template.json. */
const templateNames = (root: string): string[] =>
  readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && readdirSync(path.join(root, entry.name)).includes(MANIFEST))
    .map((entry) => entry.name)
    .sort();

export const listTemplates = (root = TEMPLATES_DIR): TemplateSummary[] =>
  templateNames(root).map((name) => ({ name, description: readManifest(path.join(root, name)).description }));

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
