import path from 'node:path';
import { formatInit } from '../init/human.js';
import { DEFAULT_TEMPLATE, runInit } from '../init/init.js';
import { listTemplates } from '../init/templates.js';

export type InitFlags = {
  readonly template?: string;
  readonly target?: string[];
  readonly force?: boolean;
  readonly cwd?: string;
};

/** `gowatch init`: what it found and wrote goes to stderr, as every human line of gowatch; a refusal throws its GowatchError. */
export const initCommand = async (flags: InitFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> => {
  const result = await runInit({
    dir: path.resolve(flags.cwd ?? '.'),
    template: flags.template,
    targets: flags.target ?? [],
    force: flags.force ?? false,
    env,
  });
  process.stderr.write(formatInit(result));
  return 0;
};

/** The templates, for `gowatch init --help`: read when help is shown, from the templates/ directory itself. */
export const initTemplatesHelp = (): string => {
  const templates = listTemplates();
  const width = Math.max(...templates.map((template) => template.name.length));
  return [
    '',
    `Templates (--template NAME; without it: ${DEFAULT_TEMPLATE.workspace} in a go.work workspace, else ${DEFAULT_TEMPLATE.module}):`,
    ...templates.map((template) => `  ${template.name.padEnd(width)}  ${template.description}`),
  ].join('\n');
};
