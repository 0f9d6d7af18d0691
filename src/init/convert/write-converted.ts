import path from 'node:path';
import { CONFIG_FILE_NAME } from '../../config/load.js';
import { schemaPathFor } from '../schema-path.js';
import { writeFiles, type WrittenFile } from '../write-files.js';
import type { Conversion, NoteKind } from './conversion.js';

/**
 * buddy.watch.json for a conversion, in `dir`: "$schema" first, then the settings; like every
 * file init writes, never over one that is there without `force`.
 */
export const writeConverted = (dir: string, conversion: Conversion, force: boolean): WrittenFile => {
  const config = { $schema: schemaPathFor(dir), ...conversion.settings };
  const [written] = writeFiles(dir, [{ file: path.join(dir, CONFIG_FILE_NAME), shown: CONFIG_FILE_NAME, content: `${JSON.stringify(config, null, 2)}\n` }], force);
  return written!;
};

const HEADINGS: readonly [NoteKind, string][] = [
  ['mapped', 'converted:'],
  ['differs', 'where gowatch deliberately differs:'],
  ['not-needed', 'not needed under gowatch:'],
  ['no-equivalent', 'left out, with no equivalent in gowatch:'],
];

/** What became of each key or flag, grouped, then the file written and the command to run next. */
export const formatConversion = (from: string, conversion: Conversion, written: WrittenFile, where: string): string =>
  `${[
    `converting ${from} into ${written.shown}${where === '' ? '' : ` in ${where}`}`,
    ...HEADINGS.flatMap(([kind, heading]) => {
      const notes = conversion.notes.filter((item) => item.kind === kind);
      return notes.length === 0 ? [] : [heading, ...notes.map((item) => `  ${item.source}${item.text.startsWith('→') ? ' ' : ': '}${item.text}`)];
    }),
    `${written.replaced ? 'replaced' : 'wrote'} ${written.shown}`,
    'next: npx gowatch run',
  ].join('\n')}\n`;
