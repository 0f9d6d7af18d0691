import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The JSON Schema shipped with the running gowatch. */
export const SHIPPED_SCHEMA = fileURLToPath(new URL('../../../buddy.watch.schema.json', import.meta.url));

const INSTALLED_SCHEMA = path.join('node_modules', 'gowatch', 'buddy.watch.schema.json');

const realPath = (file: string): string | undefined => {
  try {
    return realpathSync(file);
  } catch {
    return undefined;
  }
};

/** `to` relative to `from`, as "$schema" writes it: "/" separators, "./" or "../" first. */
const relativeReference = (from: string, to: string): string => {
  const relative = path.relative(from, to).split(path.sep).join('/');
  return relative.startsWith('../') || path.isAbsolute(relative) ? relative : `./${relative}`;
};

/**
 * The "$schema" of a config written in `configDir`: through the nearest node_modules/gowatch
 * when that is this very gowatch (linked or hoisted too), so the path still holds after a fresh
 * install elsewhere; else the running package's own schema, relative to the config.
 */
export const schemaPathFor = (configDir: string, schemaFile = SHIPPED_SCHEMA): string => {
  const schema = realPath(schemaFile) ?? schemaFile;
  const from = realPath(configDir) ?? configDir;
  for (let dir = from; ; dir = path.dirname(dir)) {
    const installed = path.join(dir, INSTALLED_SCHEMA);
    if (realPath(installed) === schema) return relativeReference(from, installed);
    if (path.dirname(dir) === dir) return relativeReference(from, schema);
  }
};
