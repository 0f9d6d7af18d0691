import { errorMessage } from '../errors.js';
import type { DoctorFlags } from '../doctor/context.js';
import { runDoctor } from '../doctor/doctor.js';
import { formatHuman } from '../doctor/human.js';
import { oneLine } from '../text/quote.js';

export type { DoctorFlags } from '../doctor/context.js';

/**
 * `gowatch doctor [--json] [TARGET... | PACKAGE]`: 0 when every hard check passes, 1
 * otherwise. Never throws: whatever goes wrong is a finding or one line, never a stack trace.
 */
export const doctorCommand = async (flags: DoctorFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> => {
  try {
    const report = await runDoctor(flags, env);
    const symbols = process.stdout.isTTY === true && !('NO_COLOR' in env);
    process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatHuman(report, { symbols }));
    return report.ok ? 0 : 1;
  } catch (error) {
    process.stderr.write(`gowatch doctor: ${oneLine(errorMessage(error), 400)}\n`);
    return 1;
  }
};
