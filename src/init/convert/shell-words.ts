import { GowatchError } from '../../errors.js';

/** One command of a shell line: its text as written (for an `sh -c` hook) and its words. */
export type ShellCommand = { readonly text: string; readonly words: readonly string[] };

/**
 * A shell line as POSIX sh splits it into commands (at `&&` and `;` outside quotes) and words
 * (quotes removed, backslash escapes read). Only what a hot-reload command line holds is read:
 * what else the line does stays in `text`, which a hook runs through sh unchanged.
 */
export const splitShellLine = (line: string, where: string): ShellCommand[] => {
  const commands: ShellCommand[] = [];
  let words: string[] = [];
  let word: string | undefined;
  let start = 0;
  let quote: '"' | "'" | undefined;
  const endWord = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  const endCommand = (end: number) => {
    endWord();
    const text = line.slice(start, end).trim();
    if (words.length > 0) commands.push({ text, words });
    words = [];
  };
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i]!;
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word += char;
    } else if (char === '\\' && i + 1 < line.length && (quote === undefined || '"\\$`'.includes(line[i + 1]!))) {
      word = (word ?? '') + line[i + 1];
      i += 1;
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else word += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      word ??= '';
    } else if (/\s/.test(char)) {
      endWord();
    } else if (char === ';' || (char === '&' && line[i + 1] === '&')) {
      endCommand(i);
      if (char === '&') i += 1;
      start = i + 1;
    } else {
      word = (word ?? '') + char;
    }
  }
  if (quote !== undefined) throw new GowatchError('usage', `${where}: a ${quote} quote is not closed in ${JSON.stringify(line)}`);
  endCommand(line.length);
  return commands;
};

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/;

/** The NAME=value words that start a command (its environment), and the words after them. */
export const leadingAssignments = (words: readonly string[]): { env: Record<string, string>; rest: string[] } => {
  const env: Record<string, string> = {};
  let index = 0;
  for (; index < words.length; index += 1) {
    const match = ASSIGNMENT.exec(words[index]!);
    if (!match) break;
    env[match[1]!] = match[2]!;
  }
  return { env, rest: words.slice(index) };
};
