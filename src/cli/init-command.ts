import { lstatSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE_NAME } from '../config/load.js';
import { writeEditorFiles } from '../init/editor-files.js';
import { formatEditorFiles } from '../init/editor-human.js';
import { readEditor } from '../init/editors.js';
import { formatEditorOnly, formatInit } from '../init/human.js';
import { runInit } from '../init/init.js';
import { convertInit, foundAirFile } from '../init/convert/convert-init.js';
import { GowatchError } from '../errors.js';

export type InitFlags = {
  readonly template?: string;
  readonly target?: string[];
  readonly force?: boolean;
  readonly editor?: string;
  readonly cwd?: string;
  /** An air config to convert (--from .air.toml). */
  readonly from?: string;
  /** A reflex line or CompileDaemon's flags to convert (--from-command). */
  readonly fromCommand?: string;
};

/**
 * With --editor and a buddy.watch.json there, only the editor's files are written, unless the
 * flags ask for a config (--force, --template, --target).
 */
const keepsConfig = (flags: InitFlags, configFile: string): boolean =>
  !flags.force && flags.template === undefined && (flags.target ?? []).length === 0 && lstatSync(configFile, { throwIfNoEntry: false }) !== undefined;

/**
 * --from, --from-command, or an .air.toml found where no buddy.watch.json is and neither
 * --template nor --target asks for a config from the packages.
 */
const convertFrom = (flags: InitFlags, dir: string) => {
  const fromPackages = flags.template !== undefined || (flags.target ?? []).length > 0;
  if (flags.from !== undefined && flags.fromCommand !== undefined) throw new GowatchError('usage', '--from and --from-command convert one setup each: give one of them');
  if ((flags.from !== undefined || flags.fromCommand !== undefined) && fromPackages) {
    throw new GowatchError('usage', `${flags.from !== undefined ? '--from' : '--from-command'} converts a setup, so --template and --target do not apply; give one or the other`);
  }
  if (flags.fromCommand !== undefined) return convertInit(dir, { commandLine: flags.fromCommand }, flags.force ?? false);
  const airFile = flags.from ?? (fromPackages ? undefined : foundAirFile(dir));
  return airFile === undefined ? undefined : convertInit(dir, { airFile, found: flags.from === undefined }, flags.force ?? false);
};

/** `gowatch init`: what it found and wrote goes to stderr, as every human line of gowatch; a refusal throws its GowatchError. */
export const initCommand = async (flags: InitFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> => {
  const dir = path.resolve(flags.cwd ?? '.');
  // A mistyped editor is said before go runs.
  const editor = flags.editor === undefined ? undefined : readEditor(flags.editor);
  const configFile = path.join(dir, CONFIG_FILE_NAME);
  const converted = convertFrom(flags, dir);
  if (converted !== undefined) {
    const editorLines = editor === undefined ? [] : formatEditorFiles(writeEditorFiles(converted.dir, path.join(converted.dir, CONFIG_FILE_NAME), editor));
    process.stderr.write(`${converted.text}${editorLines.map((line) => `${line}\n`).join('')}`);
    return 0;
  }
  const result =
    editor !== undefined && keepsConfig(flags, configFile)
      ? undefined
      : await runInit({ dir, template: flags.template, targets: flags.target ?? [], force: flags.force ?? false, env });
  const editorLines = editor === undefined ? [] : formatEditorFiles(writeEditorFiles(dir, configFile, editor));
  process.stderr.write(result ? formatInit(result, editorLines) : formatEditorOnly(CONFIG_FILE_NAME, editorLines));
  return 0;
};
