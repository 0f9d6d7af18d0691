import { noun, plural } from '../text/plural.js';
import { chooseBackend } from '../watch/choose-backend.js';
import { seconds } from '../text/duration.js';
import type { Check } from './check.js';
import { CRAWL_TIMEOUT_MS, GO_LIST_TIMEOUT_MS } from './context.js';
import { readInotifyLimits } from '../watch/limits.js';
import { ok, warn } from './report.js';
import { GO_ENV_TIMEOUT_MS } from '../go/run-go-bounded.js';
import { treeTotals } from './tree-totals.js';
import { plannedRoots } from './watched-roots.js';

/** How long counting the directories to watch may take. */
const COUNT_MS = 5000;

/** A limit that leaves room: twice what is needed, a power of two, at least the usual 524288. */
const raiseTo = (needed: number) => Math.max(524_288, 2 ** Math.ceil(Math.log2(needed * 2)));

/** The inotify watch limit against the directories gowatch run would watch natively (one watch each). */
export const inotifyCheck: Check = {
  id: 'inotify',
  timeoutMs: 30_000 + GO_ENV_TIMEOUT_MS + GO_LIST_TIMEOUT_MS + CRAWL_TIMEOUT_MS + COUNT_MS,
  run: async (context) => {
    if (process.platform !== 'linux') return ok(`not Linux (${process.platform}): no inotify limits apply`);
    const { watches, instances } = readInotifyLimits();
    if (!watches) return warn('cannot read the inotify limits (/proc/sys/fs/inotify)', 'nothing to do unless gowatch says the limit is reached; then: sudo sysctl fs.inotify.max_user_watches=524288');
    const limit = `${watches.sysctl} = ${watches.value.toLocaleString('en-US')}`;
    const instanceNote = instances ? `; ${instances.sysctl} = ${instances.value}` : '';
    const { roots, partial } = await plannedRoots(context);
    const config = context.config();
    const poll = config.ok ? config.options.poll : 'auto';
    const native = roots.filter(({ root }) => chooseBackend(root, poll, context.env).kind === 'native');
    if (native.length === 0) return ok(`every watched root is polled: no inotify watch needed (${limit}${instanceNote})`);
    const deadline = Date.now() + COUNT_MS;
    const counts = await Promise.all(native.map(({ root, ignoreDirs }) => treeTotals(root, { deadline, skip: new Set(ignoreDirs) })));
    const dirs = counts.reduce((sum, count) => sum + count.dirs, 0);
    const cut = counts.some((count) => count.cut);
    const needed = `${cut ? 'more than ' : ''}${dirs.toLocaleString('en-US')} ${noun(dirs, 'directory', 'directories')} to watch${cut ? ` (counted for ${seconds(COUNT_MS)})` : ''}`;
    const raise = `raise it: sudo sysctl ${watches.sysctl}=${raiseTo(dirs)}, and keep it in /etc/sysctl.d/ (in a container, on the host)`;
    const detail = native.map(({ root, ignoreDirs }, index) => `${root}: ${plural(counts[index]!.dirs, 'directory', 'directories')}, ${ignoreDirs.length} pruned`).join('\n');
    if (partial) {
      return warn(`${needed} in the project root alone (${partial}); ${limit}`, 'fix the targets check, then run gowatch doctor again for the full count', detail);
    }
    if (dirs > watches.value) return warn(`${needed}, more than ${limit}: gowatch run would fall back to polling`, raise, detail);
    if (dirs > watches.value / 2) return warn(`${needed}, more than half of ${limit}, which editors and other watchers share`, raise, detail);
    return ok(`${needed}; ${limit}${instanceNote}`, detail);
  },
};
