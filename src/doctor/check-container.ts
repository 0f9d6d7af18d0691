import type { Check } from './check.js';
import { detectEnvironment } from '../watch/environment.js';
import { ok } from './report.js';

/** Container and WSL detection: reported for the record, deciding nothing (the watch-backend check does). */
export const containerCheck: Check = {
  id: 'container',
  timeoutMs: 5000,
  run: async (context) => {
    if (process.platform !== 'linux') return ok(`${process.platform}: no container or WSL detection`);
    const { container, wsl, hints } = detectEnvironment(context.env);
    const seen = hints.length ? ` (${hints.join('; ')})` : '';
    const where = [container && `in a container: ${container}`, wsl && `under ${wsl}`].filter(Boolean).join(', ');
    const note = 'native events or polling is decided per watched root by its filesystem (see watch-backend), not by this';
    return where ? ok(`${where}${seen}`, note) : ok('no container or WSL detected', note);
  },
};
