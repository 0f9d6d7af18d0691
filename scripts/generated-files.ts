import { fileURLToPath } from 'node:url';
import { configJsonSchema } from '../src/config/json-schema.js';
import { eventDocs } from '../src/report/event-docs.js';

const repoFile = (rel: string) => fileURLToPath(new URL(`../../${rel}`, import.meta.url));

/** Files derived from the code's single definitions; `npm run generate` writes them, tests compare. */
export const generatedFiles = (): { path: string; content: string }[] => [
  { path: repoFile('buddy.watch.schema.json'), content: `${JSON.stringify(configJsonSchema(), null, 2)}\n` },
  { path: repoFile('docs/events.md'), content: eventDocs() },
];
