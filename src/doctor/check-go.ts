import { shownPath } from '../text/quote.js';
import type { Check } from './check.js';
import { compareGoVersions, OLDEST_SUPPORTED_GO, releaseOf } from './go-version.js';
import { fail, ok, warn } from './report.js';

const INSTALL = `install Go ${OLDEST_SUPPORTED_GO} or newer (https://go.dev/dl) and add its bin directory to PATH (e.g. export PATH="$PATH:/usr/local/go/bin")`;

/** `go` on PATH, that it runs, and its version. */
export const goCheck: Check = {
  id: 'go',
  timeoutMs: 20_000,
  run: async (context) => {
    const probe = await context.probe();
    const { found } = probe;
    if (!found) return fail('go was not found on PATH', INSTALL, `PATH=${shownPath(context.env['PATH'] ?? '', 400)}`);
    const at = found.real === found.file ? found.file : `${found.file} → ${found.real}`;
    if (!probe.env.ok) {
      const own = probe.ownRoot ? ` (${probe.ownRoot.version} without the environment's GOROOT)` : '';
      if (probe.env.reason === 'timeout') {
        return fail(`go at ${at} does not answer: ${probe.env.message}`, 'go hangs even for go env: look for a stuck lock or network mount in GOCACHE, GOENV or GOROOT, or reinstall Go');
      }
      return fail(`go at ${at} does not run${own}: ${probe.env.message}`, context.env['GOROOT'] ? 'fix GOROOT (see the goroot check)' : `fix what go says, or reinstall Go: ${INSTALL}`);
    }
    const version = probe.env.values['GOVERSION'] ?? 'an unknown version';
    const release = releaseOf(version);
    if (release && compareGoVersions(release, OLDEST_SUPPORTED_GO) < 0) {
      return warn(`${version} at ${at} is older than Go ${OLDEST_SUPPORTED_GO}, the oldest release still supported`, `upgrade: ${INSTALL}`);
    }
    return ok(`${version} at ${at}${release ? '' : ' (a development build)'}`);
  },
};
