import { constants } from 'node:buffer';
import { readBoundedSync } from '../files/bounded-read.js';
import type { GoEnv } from '../go/env.js';
import { compareGoVersions, isGoVersion, releaseOf } from './go-version.js';

/** The `go` and `toolchain` lines of a go.mod or go.work. */
export type VersionLines = { readonly file: string; readonly go: string | undefined; readonly toolchain: string | undefined };

/** go.work in workspace mode, else go.mod: the file whose lines select the toolchain. */
export const governingFile = (goEnv: GoEnv): string | undefined => {
  const work = goEnv['GOWORK'];
  if (work && work !== 'off') return work;
  const mod = goEnv['GOMOD'];
  return mod && mod !== '/dev/null' && mod !== 'NUL' ? mod : undefined;
};

const directive = (text: string, name: string): string | undefined => {
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    const match = new RegExp(`^${name}\\s+(\\S+)$`).exec(line);
    if (match) return match[1];
  }
  return undefined;
};

/** The version lines of a go.mod or go.work; nothing when it is not a regular file (a FIFO would hang doctor) or cannot be read. */
export const readVersionLines = (file: string): VersionLines | undefined => {
  // Read as text: no longer than a string can be.
  const read = readBoundedSync(file, constants.MAX_STRING_LENGTH);
  if (read.kind !== 'read') return undefined;
  const text = read.bytes.toString('utf8');
  return { file, go: directive(text, 'go'), toolchain: directive(text, 'toolchain') };
};

/** GOTOOLCHAIN as go reads it: a minimum toolchain ("local" = the go installed) and whether go.mod may raise it. */
export type ToolchainSetting = {
  readonly raw: string;
  /** A toolchain GOTOOLCHAIN names ("go1.27.0", "go1.27.0+auto"), or undefined for the local one. */
  readonly pinned: string | undefined;
  /** `auto` downloads what go.mod/go.work ask for, `path` looks for it on PATH; undefined: never switch. */
  readonly mode: 'auto' | 'path' | undefined;
};

export const parseToolchainSetting = (raw: string): ToolchainSetting => {
  if (raw === 'auto' || raw === 'path') return { raw, pinned: undefined, mode: raw };
  const [min = '', suffix] = raw.split('+');
  const mode = suffix === 'auto' || suffix === 'path' ? suffix : undefined;
  return { raw, pinned: min === 'local' || min === '' ? undefined : min, mode };
};

export type ToolchainDecision =
  /** go runs the default toolchain: nothing asks for another. */
  | { readonly kind: 'default' }
  /** go switches to another toolchain (downloads it with `auto`, looks for it on PATH with `path`). */
  | { readonly kind: 'switch'; readonly to: string; readonly line: string; readonly via: 'auto' | 'path' }
  /** A toolchain line asks for a newer Go, but GOTOOLCHAIN does not let go switch: it is ignored. */
  | { readonly kind: 'ignored'; readonly line: string }
  /** The go line needs a newer Go, and GOTOOLCHAIN does not let go switch: every go command there fails. */
  | { readonly kind: 'refused'; readonly line: string; readonly needs: string };

/** A go line's version as a toolchain: a language version ("1.99") means its newest release. */
const toolchainOf = (goLine: string) => (/^\d+\.\d+$/.test(goLine) ? `the newest go${goLine}.x` : `go${goLine}`);

/**
 * What go does with `lines` under `setting` when `local` is the go installed
 * (https://go.dev/doc/toolchain#select): the default toolchain is the pinned one, else local;
 * with +auto/+path a newer `toolchain` line, else a newer `go` line, switches.
 */
export const decideToolchain = (setting: ToolchainSetting, local: string, lines: VersionLines | undefined): ToolchainDecision => {
  const base = setting.pinned ?? releaseOf(local) ?? local;
  const goLine = lines?.go && isGoVersion(lines.go) ? lines.go : undefined;
  const toolchainLine = lines?.toolchain && lines.toolchain !== 'default' && isGoVersion(lines.toolchain.replace(/^.*-go/, 'go')) ? lines.toolchain : undefined;
  const newerToolchain = toolchainLine !== undefined && compareGoVersions(toolchainLine.replace(/^.*-go/, 'go'), base) > 0;
  const newerGo = goLine !== undefined && compareGoVersions(goLine, base) > 0;
  if (setting.mode && lines?.toolchain !== 'default') {
    if (newerToolchain) return { kind: 'switch', to: toolchainLine!, line: `toolchain ${toolchainLine}`, via: setting.mode };
    if (newerGo) return { kind: 'switch', to: toolchainOf(goLine!), line: `go ${goLine}`, via: setting.mode };
    return { kind: 'default' };
  }
  if (newerGo) return { kind: 'refused', line: `go ${goLine}`, needs: goLine! };
  if (newerToolchain) return { kind: 'ignored', line: `toolchain ${toolchainLine}` };
  return { kind: 'default' };
};
