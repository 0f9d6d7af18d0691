import { flagFileProblem, noProgramProblem, parseGoFlags } from '../config/build-flags.js';
import { quote } from '../text/quote.js';

/**
 * GOFLAGS split as go splits it (cmd/internal/quoted): on white space, a field quoted whole with
 * ' or " keeps its spaces. Each field is a flag of its own.
 */
export const splitGoflags = (text: string): string[] => {
  const fields: string[] = [];
  let rest = text;
  for (;;) {
    rest = rest.replace(/^[ \t\n\r]+/, '');
    if (rest === '') return fields;
    const quoteChar = rest[0]!;
    const end = quoteChar === '"' || quoteChar === "'" ? rest.indexOf(quoteChar, 1) : -1;
    if (end > 0) {
      fields.push(rest.slice(1, end));
      rest = rest.slice(end + 1);
    } else {
      const space = rest.search(/[ \t\n\r]/);
      fields.push(space === -1 ? rest : rest.slice(0, space));
      rest = space === -1 ? '' : rest.slice(space);
    }
  }
};

/**
 * Why GOFLAGS (as `go env` reports it: the environment, `go env -w` or $GOROOT/go.env) leaves
 * gowatch no program to run, or names a file go cannot read from `dir`; undefined when it is
 * fine. go itself reports the flags it cannot parse.
 */
export const goflagsProblem = (goflags: string | undefined, dir?: string): string | undefined => {
  if (!goflags) return undefined;
  for (const field of splitGoflags(goflags)) {
    for (const flag of parseGoFlags([field])) {
      const problem = noProgramProblem(flag) ?? (dir === undefined ? undefined : flagFileProblem(flag, dir));
      if (problem) return `GOFLAGS=${quote(goflags)}: ${problem}`;
    }
  }
  return undefined;
};
