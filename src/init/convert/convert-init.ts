import { lstatSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE_NAME } from '../../config/load.js';
import type { WrittenFile } from '../write-files.js';
import type { Conversion } from './conversion.js';
import { convertAirFile } from './from-air.js';
import { convertCommandLine } from './from-command.js';
import { formatConversion, writeConverted } from './write-converted.js';

export const AIR_FILE = '.air.toml';

/** An air config (relative to the current directory, as a file flag is), found by init or named; or a command line. */
export type ConvertSource = { readonly airFile: string; readonly found: boolean } | { readonly commandLine: string };

export type ConvertResult = { readonly conversion: Conversion; readonly written: WrittenFile; readonly dir: string; readonly text: string };

const exists = (file: string): boolean => lstatSync(file, { throwIfNoEntry: false }) !== undefined;

/**
 * What init converts when no flag names a source: an .air.toml where there is no
 * buddy.watch.json yet, so that an air user's first `gowatch init` brings their setup along.
 */
export const foundAirFile = (dir: string): string | undefined =>
  exists(path.join(dir, AIR_FILE)) && !exists(path.join(dir, CONFIG_FILE_NAME)) ? path.join(dir, AIR_FILE) : undefined;

/**
 * `gowatch init --from FILE` / `--from-command LINE`: converts, writes buddy.watch.json (in air's
 * root for an .air.toml, else in `dir`) and returns the lines saying what became of each key.
 */
export const convertInit = (dir: string, source: ConvertSource, force: boolean): ConvertResult => {
  if ('commandLine' in source) {
    const conversion = convertCommandLine(source.commandLine);
    const written = writeConverted(dir, conversion, force);
    return { conversion, written, dir, text: formatConversion('the command line', conversion, written, '') };
  }
  const file = path.resolve(source.airFile);
  const shownName = path.relative(process.cwd(), file) || file;
  const conversion = convertAirFile(file, shownName);
  const written = writeConverted(conversion.root, conversion, force);
  const where = path.relative(dir, conversion.root);
  const lead = source.found ? `found ${shownName} and no ${CONFIG_FILE_NAME}: ` : '';
  return { conversion, written, dir: conversion.root, text: `${lead}${formatConversion(`${shownName} (air)`, conversion, written, where)}` };
};
