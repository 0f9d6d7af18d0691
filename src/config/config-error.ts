import { GowatchError } from '../errors.js';
import { shownPath } from '../text/quote.js';

/** A refusal of a config file: one line, starting with the file it concerns. */
export const configError = (file: string, message: string): GowatchError =>
  new GowatchError('config', `${shownPath(file)}: ${message}`);
