/**
 * The parts of a Go file that `go list` reads: package clause, imports, build constraints and
 * //go:embed directives. When a file's shape is unchanged, an edit cannot change the build
 * closure, so the (costly) `go list` is not rerun. Errs towards "changed": a false positive
 * only costs one extra closure computation.
 */
const DIRECTIVE = /^[ \t]*\/\/(?:go:build|go:embed| \+build)\b.*$/gm;
const PACKAGE = /^[ \t]*package[ \t]+([\p{L}_][\p{L}\p{N}_]*)/mu;
const IMPORT_BLOCK = /^[ \t]*import[ \t]*\(([\s\S]*?)^[ \t]*\)/gm;
const IMPORT_LINE = /^[ \t]*import[ \t]+(?:[\p{L}_.][\p{L}\p{N}_]*[ \t]+)?("[^"\n]*"|`[^`\n]*`)/gmu;
const QUOTED = /"[^"\n]*"|`[^`\n]*`/g;

export const goFileShape = (source: string): string => {
  const directives = source.match(DIRECTIVE) ?? [];
  const pkg = PACKAGE.exec(source)?.[1] ?? '';
  const imports: string[] = [];
  for (const block of source.matchAll(IMPORT_BLOCK)) imports.push(...(block[1]!.match(QUOTED) ?? []));
  for (const line of source.matchAll(IMPORT_LINE)) imports.push(line[1]!);
  return [pkg, ...directives.map((d) => d.trim()), ...imports.sort()].join('\n');
};
