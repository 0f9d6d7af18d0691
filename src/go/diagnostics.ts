import path from 'node:path';
import type { Diagnostic } from '../events.js';

const LOCATED = /^(.+?\.\w+):(\d+)(?::(\d+))?: (.*)$/;

/**
 * Turns go build output into `file:line:col: message` diagnostics with paths relative to
 * `displayDir` (the user's current directory), so terminals and editors can open them.
 * Indented lines continue the previous message (e.g. "have/want" of a type error).
 */
export const parseDiagnostics = (output: string, goDir: string, displayDir: string): Diagnostic[] => {
  const diagnostics: Diagnostic[] = [];
  for (const line of output.split(/\r?\n/)) {
    if (line.trim() === '' || line.startsWith('# ')) continue;
    const previous = diagnostics.at(-1);
    if (/^\s/.test(line) && previous) {
      previous.message += `\n${line.trim()}`;
      continue;
    }
    const located = LOCATED.exec(line);
    if (located) {
      const absolute = path.resolve(goDir, located[1]!);
      const relative = path.relative(displayDir, absolute) || '.';
      diagnostics.push({
        file: relative,
        line: Number(located[2]),
        column: located[3] ? Number(located[3]) : 0,
        message: located[4]!,
      });
    } else {
      diagnostics.push({ file: '', line: 0, column: 0, message: line.trim() });
    }
  }
  return diagnostics;
};

export const formatDiagnostic = (d: Diagnostic): string =>
  d.file ? `${d.file}:${d.line}${d.column ? `:${d.column}` : ''}: ${d.message}` : d.message;
