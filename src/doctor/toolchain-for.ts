import type { DoctorContext } from './context.js';
import { decideToolchain, governingFile, parseToolchainSetting, readVersionLines, type ToolchainDecision, type ToolchainSetting, type VersionLines } from './toolchain-plan.js';

export type DirToolchain = {
  readonly setting: ToolchainSetting;
  /** The go installed (GOVERSION of the go on PATH). */
  readonly local: string;
  /** go.work or go.mod whose lines apply there, or undefined outside a module. */
  readonly lines: VersionLines | undefined;
  readonly decision: ToolchainDecision;
};

/** Which Go `gowatch run` would get in `dir`, or undefined when go cannot tell (the go check says why). */
export const toolchainFor = async (context: DoctorContext, dir: string): Promise<DirToolchain | undefined> => {
  const probe = await context.probe();
  if (!probe.env.ok) return undefined;
  const goEnv = await context.targetEnv(dir);
  if (!goEnv.ok) return undefined;
  const setting = parseToolchainSetting(probe.toolchain ?? probe.env.values['GOTOOLCHAIN'] ?? 'auto');
  const local = probe.env.values['GOVERSION'] ?? '';
  const file = governingFile(goEnv.values);
  const lines = file ? readVersionLines(file) : undefined;
  return { setting, local, lines, decision: decideToolchain(setting, local, lines) };
};
