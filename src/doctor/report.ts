import { z } from 'zod';

/**
 * What `gowatch doctor --json` prints: the one definition of the report, documented in the
 * README ("gowatch doctor"). `ok` is false when any check failed; warnings do not fail.
 */
export const CHECK_STATUSES = ['ok', 'warn', 'fail'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/** Every check doctor runs, in the order it prints them. */
export const CHECK_IDS = [
  'go', 'goroot', 'toolchain', 'goflags', 'gocache', 'gomodcache', 'config', 'targets', 'watch-backend', 'inotify', 'container', 'gowatch-cache', 'delve',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export const doctorCheckSchema = z.object({
  /** One of CHECK_IDS: stable, for scripts. */
  id: z.enum(CHECK_IDS),
  status: z.enum(CHECK_STATUSES),
  /** The finding, on one line. */
  summary: z.string(),
  /** More of the finding (one item a line: a target, a watched root…). */
  detail: z.string().optional(),
  /** What to do about a warning or a failure. */
  fix: z.string().optional(),
});
export type DoctorCheck = z.infer<typeof doctorCheckSchema>;

export const doctorReportSchema = z.object({
  /** Whether every hard check passed: the exit status is 0 exactly then. */
  ok: z.boolean(),
  checks: z.array(doctorCheckSchema),
});
export type DoctorReport = z.infer<typeof doctorReportSchema>;

/** A check's finding before it is given its id. */
export type Finding = Omit<DoctorCheck, 'id'>;

export const ok = (summary: string, detail?: string): Finding => ({ status: 'ok', summary, ...(detail ? { detail } : {}) });
export const warn = (summary: string, fix: string, detail?: string): Finding => ({ status: 'warn', summary, ...(detail ? { detail } : {}), fix });
export const fail = (summary: string, fix: string, detail?: string): Finding => ({ status: 'fail', summary, ...(detail ? { detail } : {}), fix });
