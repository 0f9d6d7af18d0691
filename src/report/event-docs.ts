import { z } from 'zod';
import { eventNames, eventSchemas } from '../events.js';

type JsonSchema = { type?: string | string[]; enum?: unknown[]; const?: unknown; description?: string; items?: JsonSchema; anyOf?: JsonSchema[]; properties?: Record<string, JsonSchema> };

const typeOf = (schema: JsonSchema): string => {
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' \\| ');
  if (schema.type === 'array') return `${schema.items?.properties ? 'object' : typeOf(schema.items ?? {})}[]`;
  if (schema.type === 'integer') return 'integer';
  return Array.isArray(schema.type) ? schema.type.join(' \\| ') : (schema.type ?? 'any');
};

const PREAMBLE = `# The JSON event stream

\`gowatch run --json\` writes one JSON object per line on stdout and nothing else there (the
program's own stdout goes to stderr). Every event has \`event\` (its name) and \`ts\`
(milliseconds since the Unix epoch); events about a target carry \`target\`: its name under
\`targets\` in buddy.watch.json, else the package as given to gowatch. New fields may be added;
existing ones keep their meaning.

This file is generated from \`src/events.ts\` (\`npm run generate\`); the tests check
both that it is current and that every line gowatch prints matches these schemas.

A typical edit: \`change\` → \`build-start\` → \`build-ok\` → \`stop\` (old program) → \`starting\` → \`start\`.
A failed build: \`change\` → \`build-start\` → \`build-fail\` (the old program keeps running), with \`hook\` when a go.build.pre or go.build.post command failed it.
An edit that leaves the build key unchanged: \`change\` → \`skip\` with reason \`unchanged\`.
A \`change\` comes once its files are read; its \`skip\` events follow (after a \`closure\` when it changed imports or module files).
`;

/** docs/events.md, rendered from the event schemas so the docs cannot drift from the code. */
export const eventDocs = (): string => {
  const sections = eventNames.map((name) => {
    const schema = z.toJSONSchema(eventSchemas[name]) as JsonSchema;
    const rows = Object.entries(schema.properties ?? {})
      .filter(([field]) => field !== 'event' && field !== 'ts')
      .map(([field, property]) => {
        const fields = (properties: Record<string, JsonSchema>) =>
          Object.entries(properties).map(([k, v]) => `\`${k}\` (${typeOf(v)}${v.description ? `: ${v.description}` : ''})`).join(', ');
        const nested = property.type === 'array' && property.items?.properties
          ? ` Each: ${fields(property.items.properties)}.`
          : property.type === 'object' && property.properties
            ? ` Fields: ${fields(property.properties)}.`
            : '';
        return `| \`${field}\` | ${typeOf(property)} | ${property.description && nested ? `${property.description}.${nested}` : (property.description ?? '') + nested} |`;
      });
    const table = rows.length > 0 ? ['| field | type | meaning |', '| --- | --- | --- |', ...rows].join('\n') : 'No fields besides `event` and `ts`.';
    const about = schema.description ? `${schema.description[0]!.toUpperCase()}${schema.description.slice(1)}.\n\n` : '';
    return `## \`${name}\`\n\n${about}${table}\n`;
  });
  return `${PREAMBLE}\n${sections.join('\n')}`;
};
