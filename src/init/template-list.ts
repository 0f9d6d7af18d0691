import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What `init --help` lists of the templates, kept apart from their validation (templates.ts,
 * with zod) so that help loads neither.
 */

/** templates/ of the running package: beside dist/, both in a clone and once installed. */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../../templates/', import.meta.url));

/** Each template's directory holds one; init validates it whole when it writes the template. */
export const MANIFEST = 'template.json';

/** The template when none is named: what the project is decides. */
export const DEFAULT_TEMPLATE = { workspace: 'workspace', module: 'minimal' } as const;

export type TemplateSummary = { readonly name: string; readonly description: string };

/** The names of the templates: the directories of `root` that hold a template.json. */
export const templateNames = (root: string): string[] =>
  readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && readdirSync(path.join(root, entry.name)).includes(MANIFEST))
    .map((entry) => entry.name)
    .sort();

const descriptionOf = (dir: string): string => {
  const { description } = JSON.parse(readFileSync(path.join(dir, MANIFEST), 'utf8')) as { description?: unknown };
  return typeof description === 'string' ? description : '';
};

export const listTemplates = (root = TEMPLATES_DIR): TemplateSummary[] =>
  templateNames(root).map((name) => ({ name, description: descriptionOf(path.join(root, name)) }));
