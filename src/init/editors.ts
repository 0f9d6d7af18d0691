import { didYouMean } from '../config/did-you-mean.js';
import { quote } from '../text/quote.js';
import { GowatchError } from '../errors.js';

/** The editors `init --editor` writes files for. */
export const EDITORS = ['vscode'] as const;
export type Editor = (typeof EDITORS)[number];

/** What `init --help` says each editor gets. */
export const EDITOR_FILES: Record<Editor, string> = {
  vscode: '.vscode/tasks.json: a task running gowatch, its build errors in the Problems panel; .vscode/launch.json: an attach to Delve',
};

const isEditor = (name: string): name is Editor => (EDITORS as readonly string[]).includes(name);

/** The editor `name`; an unknown one is refused with the names there are, before anything is written. */
export const readEditor = (name: string): Editor => {
  if (isEditor(name)) return name;
  throw new GowatchError('usage', `--editor: unknown editor ${quote(name)}${didYouMean(name, EDITORS)}; the editors are ${EDITORS.join(', ')}`);
};
