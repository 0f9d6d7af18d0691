import { createScanner, findNodeAtLocation, modify, parseTree, SyntaxKind, type Edit, type FormattingOptions, type Node } from 'jsonc-parser';

/** As VS Code reads its settings files: comments and trailing commas. */
export const PARSE_OPTIONS = { allowTrailingComma: true, disallowComments: false };

/** The file's own indentation and line ends, so the added entry looks like the rest. */
const formattingOf = (text: string): FormattingOptions & { unit: string } => {
  const indent = /^([ \t]+)\S/m.exec(text)?.[1] ?? '  ';
  const tabs = indent.startsWith('\t');
  return { insertSpaces: !tabs, tabSize: tabs ? 4 : indent.length, eol: text.includes('\r\n') ? '\r\n' : '\n', unit: tabs ? '\t' : indent };
};

const lineStart = (text: string, offset: number): number => text.lastIndexOf('\n', offset - 1) + 1;

/** The blanks before `offset` on its line, when nothing else is. */
const blanksBefore = (text: string, offset: number): string | undefined => {
  const before = text.slice(lineStart(text, offset), offset);
  return before.trim() === '' ? before : undefined;
};

/** Whether the first token after `offset` (past blanks and comments) is a comma. */
const commaAfter = (text: string, offset: number): boolean => {
  const scanner = createScanner(text, false);
  scanner.setPosition(offset);
  let token = scanner.scan();
  while (token === SyntaxKind.Trivia || token === SyntaxKind.LineBreakTrivia || token === SyntaxKind.LineCommentTrivia || token === SyntaxKind.BlockCommentTrivia) {
    token = scanner.scan();
  }
  return token === SyntaxKind.CommaToken;
};

/**
 * `json` (a value, or a "key": value) as the last child of `container`, on lines of its own
 * above the closing bracket, indented as the last child is: the lines there, and a comment
 * after the last child, stay as they were (only a comma is added after it, unless it has one).
 * Undefined when the container is empty or its closing bracket shares its line.
 */
const ownLineEdits = (text: string, container: Node, json: string, format: ReturnType<typeof formattingOf>): Edit[] | undefined => {
  const last = container.children?.at(-1);
  const closing = container.offset + container.length - 1;
  const closingIndent = blanksBefore(text, closing);
  if (!last || closingIndent === undefined) return undefined;
  const end = last.offset + last.length;
  const indent = blanksBefore(text, last.offset) ?? `${closingIndent}${format.unit}`;
  const trailing = commaAfter(text, end);
  const lines = json.split('\n').join(`${format.eol}${indent}`);
  return [
    ...(trailing ? [] : [{ offset: end, length: 0, content: ',' }]),
    { offset: lineStart(text, closing), length: 0, content: `${indent}${lines}${trailing ? ',' : ''}${format.eol}` },
  ];
};

/**
 * The edits that append `entry` to the list at the top-level `key` of `text`, the list created
 * when there is none: on lines of their own where the closing bracket has one, else as
 * jsonc-parser lays them out (it reformats the line they join, and may move a comment there).
 */
export const appendEdits = (text: string, key: string, entry: unknown): Edit[] => {
  const format = formattingOf(text);
  const root = parseTree(text, [], PARSE_OPTIONS)!;
  const list = findNodeAtLocation(root, [key]);
  if (list) {
    const json = JSON.stringify(entry, null, format.unit);
    return ownLineEdits(text, list, json, format) ?? modify(text, [key, -1], entry, { formattingOptions: format, isArrayInsertion: true });
  }
  const json = `${JSON.stringify(key)}: ${JSON.stringify([entry], null, format.unit)}`;
  return ownLineEdits(text, root, json, format) ?? modify(text, [key], [entry], { formattingOptions: format });
};
