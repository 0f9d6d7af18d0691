import { errorMessage } from '../errors.js';
import { oneLine } from '../text/quote.js';
import { bounded, TimedOut } from './bounded.js';
import type { DoctorContext } from './context.js';
import { fail, type CheckId, type DoctorCheck, type Finding } from './report.js';

/** One check: a small module each, run with a time bound. */
export type Check = {
  readonly id: CheckId;
  /** The most a check may take, whatever it waits on. */
  readonly timeoutMs: number;
  readonly run: (context: DoctorContext) => Promise<Finding>;
};

/** Characters of an unexpected error a finding shows. */
const SHOWN = 300;

/**
 * A check's finding; a check that throws or overruns fails with one line saying so, never a
 * stack trace: doctor must always finish and report every check.
 */
export const runCheck = async (check: Check, context: DoctorContext): Promise<DoctorCheck> => {
  try {
    const finding = await bounded(check.run(context), check.timeoutMs, `the ${check.id} check`);
    return { id: check.id, ...finding };
  } catch (error) {
    if (error instanceof TimedOut) {
      return { id: check.id, ...fail(error.message, 'something it waits on hangs (a network mount, a stuck go command): run it again, or look at that part by hand') };
    }
    return {
      id: check.id,
      ...fail(`the ${check.id} check failed unexpectedly: ${oneLine(errorMessage(error), SHOWN)}`, 'this is a bug in gowatch: please report it with the output of gowatch doctor --json'),
    };
  }
};
