import type { InitResult } from './init.js';

const NEXT = 'npx gowatch run';

const foundLines = (result: InitResult): string[] => {
  const { found } = result;
  if (found.length === 1) return [`found main package ${found[0]!.relative} (${found[0]!.importPath})`];
  const width = Math.max(...found.map((pkg) => pkg.relative.length));
  return [`found ${found.length} main packages:`, ...found.map((pkg) => `  ${pkg.relative.padEnd(width)}  ${pkg.importPath}`)];
};

const configLine = (result: InitResult): string => {
  const [config] = result.written;
  const verb = config!.replaced ? 'replaced' : 'wrote';
  const what =
    result.chosen.length === 1
      ? `package ${result.chosen[0]!.relative}`
      : `a target for each: ${result.chosen.map((pkg) => `${pkg.name} (${pkg.relative})`).join(', ')}`;
  return `${verb} ${config!.shown}: template ${result.template.name}, ${what}`;
};

/** Several packages configured because none was chosen: how to choose one. */
const narrowLines = ({ chosen, found, targetGiven }: InitResult): string[] =>
  chosen.length > 1 && !targetGiven ? [`for one of them only: gowatch init --target ${found[0]!.relative} --force`] : [];

const nextLine = ({ chosen, template }: InitResult): string => {
  if (template.next) return `next: ${template.next}`;
  return chosen.length > 1 ? `next: ${NEXT} (every target), or ${NEXT} ${chosen[0]!.name} (one)` : `next: ${NEXT}`;
};

/**
 * What init did, as lines for stderr: what it found, each file written, what it did with an
 * editor's files (`editorLines`), the template's notes, the command to run next.
 */
export const formatInit = (result: InitResult, editorLines: readonly string[] = []): string =>
  `${[
    ...foundLines(result),
    configLine(result),
    ...narrowLines(result),
    ...result.written.slice(1).map((file) => `${file.replaced ? 'replaced' : 'wrote'} ${file.shown}`),
    ...editorLines,
    ...result.template.notes,
    nextLine(result),
  ].join('\n')}\n`;

/** `init --editor` where a config is there already: it is kept, and the editor's files are said. */
export const formatEditorOnly = (configShown: string, editorLines: readonly string[]): string =>
  `${[`kept ${configShown} as it is (gowatch init --force writes a new one)`, ...editorLines].join('\n')}\n`;
