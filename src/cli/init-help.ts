import { EDITOR_FILES, EDITORS } from '../init/editors.js';
import { DEFAULT_TEMPLATE, listTemplates } from '../init/template-list.js';

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

/** The editors, for `gowatch init --help`. */
export const initEditorsHelp = (): string => {
  const width = Math.max(...EDITORS.map((name) => name.length));
  return [
    '',
    '',
    'Editors (--editor NAME; their files are added to, never replaced; with a buddy.watch.json there, only they are written):',
    ...EDITORS.map((name) => `  ${name.padEnd(width)}  ${EDITOR_FILES[name]}`),
  ].join('\n');
};
