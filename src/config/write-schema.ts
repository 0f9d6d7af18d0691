import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configJsonSchema } from './json-schema.js';

/** `npm run schema`: regenerates the shipped buddy.watch.schema.json from the config table. */
const target = fileURLToPath(new URL('../../../buddy.watch.schema.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);
