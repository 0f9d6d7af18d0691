import { existsSync } from 'node:fs';
import path from 'node:path';
import { shownPath } from '../text/quote.js';
import type { Check } from './check.js';
import { releaseOf } from './go-version.js';
import { FIX_GO_FIRST, withoutGo } from './probe.js';
import { fail, ok, warn, type Finding } from './report.js';
import { settingSource } from './setting-source.js';
import { toolchainFor, type DirToolchain } from './toolchain-for.js';

const editCommand = (file: string) => (path.basename(file) === 'go.work' ? 'go work edit' : 'go mod edit');

/** One go.mod/go.work and what go does with its lines. */
const fileFinding = (where: string, found: DirToolchain): Finding => {
  const { decision, lines, local } = found;
  const file = lines ? shownPath(lines.file) : where;
  const current = releaseOf(local) ?? local;
  const base = found.setting.pinned ?? current;
  const asked = lines ? [lines.go && `go ${lines.go}`, lines.toolchain ? `toolchain ${lines.toolchain}` : 'no toolchain line'].filter(Boolean).join(', ') : 'not in a module';
  const edit = lines ? `${editCommand(lines.file)} -toolchain=none` : '';
  switch (decision.kind) {
    case 'default':
      return ok(`${file}: ${asked}`);
    case 'switch':
      return warn(
        `${file}: "${decision.line}" makes go switch from ${base} to ${decision.to} (GOTOOLCHAIN=${found.setting.raw}${decision.via === 'auto' ? ': downloaded on first use, which needs the network' : ': looked for on PATH'}); doctor itself checked with ${current}`,
        `to build with the ${current} you have, ${decision.line.startsWith('go ') ? 'lower the go line' : `run ${edit}`} or set GOTOOLCHAIN=local; to use ${decision.to}, nothing, but the first build waits for it`,
      );
    case 'ignored':
      return warn(
        `${file}: "${decision.line}" asks for a newer Go than ${base}; GOTOOLCHAIN=${found.setting.raw} ignores it and builds with ${base}`,
        `install it and put it first on PATH, or allow switching (GOTOOLCHAIN=auto downloads it), or drop the line if ${base} is what the project wants: ${edit}`,
      );
    case 'refused':
      return fail(
        `${file}: "${decision.line}" needs Go ${decision.needs} or newer, but GOTOOLCHAIN=${found.setting.raw} allows only ${base}: every go command there fails`,
        `install Go ${decision.needs} or newer (https://go.dev/dl), or let go fetch it: GOTOOLCHAIN=auto`,
      );
  }
};

/** What a GOTOOLCHAIN naming a version does: every go command runs that toolchain. */
const pinnedFinding = (found: DirToolchain, gomodcache: string | undefined, goos: string, goarch: string): Finding | undefined => {
  const pinned = found.setting.pinned;
  const current = releaseOf(found.local) ?? found.local;
  if (!pinned || pinned === current) return undefined;
  const cached = gomodcache !== undefined && existsSync(path.join(gomodcache, 'golang.org', `toolchain@v0.0.1-${pinned}.${goos}-${goarch}`));
  const how = cached ? 'already in the module cache' : found.setting.mode === 'path' ? 'looked for on PATH' : 'downloaded on first use, which needs the network';
  return warn(
    `GOTOOLCHAIN=${found.setting.raw} makes every go command run ${pinned}, not the ${current} on PATH (${how})`,
    `if that is not meant, unset GOTOOLCHAIN (go env -u GOTOOLCHAIN) or set it to local`,
  );
};

const RANK = { ok: 0, warn: 1, fail: 2 } as const;

/** GOTOOLCHAIN, and the go/toolchain lines of go.mod or go.work that can make go use (and download) another Go. */
export const toolchainCheck: Check = {
  id: 'toolchain',
  timeoutMs: 30_000,
  run: async (context) => {
    const probe = await context.probe();
    if (!probe.env.ok) return warn(withoutGo(probe)!, FIX_GO_FIRST);
    const goEnv = probe.env.values;
    const config = context.config();
    const dirs = config.ok ? [...new Set(config.options.targets.map((target) => target.target.cwd))] : [context.goCwd];
    const found = await Promise.all(dirs.map(async (dir) => ({ dir, toolchain: await toolchainFor(context, dir) })));
    const usable = found.filter((item): item is { dir: string; toolchain: DirToolchain } => item.toolchain !== undefined);
    const findings: Finding[] = [];
    const first = usable[0]?.toolchain;
    const pinned = first && pinnedFinding(first, goEnv['GOMODCACHE'], goEnv['GOOS'] ?? '', goEnv['GOARCH'] ?? '');
    if (pinned) findings.push(pinned);
    const seen = new Set<string>();
    for (const { dir, toolchain } of usable) {
      const key = toolchain.lines?.file ?? dir;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push(fileFinding(shownPath(dir), toolchain));
    }
    const setting = probe.toolchain ?? goEnv['GOTOOLCHAIN'] ?? '?';
    const head = `GOTOOLCHAIN=${setting} (${settingSource('GOTOOLCHAIN', context.env, goEnv)})`;
    if (findings.length === 0) return ok(`${head}; no go.mod or go.work could be read (see the targets check)`);
    const worst = findings.reduce((a, b) => (RANK[b.status] > RANK[a.status] ? b : a));
    const detail = findings.length > 1 ? findings.map((finding) => finding.summary).join('\n') : undefined;
    if (worst.status === 'ok') return ok(`${head}; ${findings.map((finding) => finding.summary).join('; ')}`, detail);
    return { status: worst.status, summary: worst.summary, fix: worst.fix!, ...(detail ? { detail } : {}) };
  },
};
