import { shownPath } from '../text/quote.js';
import { chooseBackend } from '../watch/choose-backend.js';
import { filesystemType, isBlindFilesystem } from '../watch/fs-type.js';
import type { Check } from './check.js';
import { CRAWL_TIMEOUT_MS, GO_LIST_TIMEOUT_MS } from './context.js';
import { ok, warn } from './report.js';
import { GO_ENV_TIMEOUT_MS } from '../go/run-go-bounded.js';
import { plannedRoots } from './watched-roots.js';

/** Each watched root: its filesystem and the backend gowatch run would choose for it, and why. */
export const watchBackendCheck: Check = {
  id: 'watch-backend',
  timeoutMs: 30_000 + GO_ENV_TIMEOUT_MS + GO_LIST_TIMEOUT_MS + CRAWL_TIMEOUT_MS,
  run: async (context) => {
    const config = context.config();
    const poll = config.ok ? config.options.poll : 'auto';
    const { roots, partial } = await plannedRoots(context);
    const lines: string[] = [];
    const blindNative: string[] = [];
    const kinds = new Map<string, number>();
    for (const { root } of roots) {
      const choice = chooseBackend(root, poll, context.env);
      const type = filesystemType(root);
      if (choice.kind === 'native' && type && isBlindFilesystem(type)) blindNative.push(`${shownPath(root)} (${type})`);
      kinds.set(choice.kind, (kinds.get(choice.kind) ?? 0) + 1);
      lines.push(`${shownPath(root)}: ${choice.kind} (${type ?? 'filesystem unknown'}; ${choice.reason})`);
    }
    const detail = lines.join('\n');
    const note = partial ? ` (${partial})` : '';
    if (blindNative.length > 0) {
      return warn(
        `native events forced on ${blindNative.join(', ')}, where changes made outside this system (the host, another machine) are missed`,
        'let gowatch choose: remove "go.watch.poll": false and --no-poll (or GOWATCH_POLL=0)',
        detail,
      );
    }
    const summary = roots.length === 1 ? lines[0]! : `${roots.length} watched roots: ${[...kinds].map(([kind, n]) => `${n} ${kind}`).join(', ')}`;
    return ok(`${summary}${note}`, detail);
  },
};
