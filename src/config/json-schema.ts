import { z } from 'zod';
import { configFields, configFileSchema, configKeys } from './schema.js';

/** JSON Schema for buddy.watch.json, so editors complete and check it via "$schema". */
export const configJsonSchema = (): Record<string, unknown> => {
  const schema = z.toJSONSchema(configFileSchema, { target: 'draft-7', unrepresentable: 'any' }) as Record<string, unknown>;
  const properties = schema['properties'] as Record<string, Record<string, unknown>>;
  for (const key of configKeys) {
    const property = properties[key];
    if (property) property['default'] = configFields[key].default;
  }
  return {
    ...schema,
    $id: 'https://gowatch.dev/buddy.watch.schema.json',
    title: 'gowatch configuration (buddy.watch.json)',
  };
};
