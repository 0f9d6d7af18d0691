import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { readConfigFile } from '../config/read-config-file.js';
import { errorMessage } from '../errors.js';
import { errorEvent, type EventInput } from '../events.js';
import { SerialQueue } from '../serial-queue.js';
import type { ChangeReceiver } from './change-router.js';

/** As the config is read at start: a FIFO or a device put in its place is refused, not waited on. */
const readText = (file: string): string | undefined => {
  try {
    return readConfigFile(file).toString('utf8');
  } catch {
    return undefined;
  }
};

const declaredTargets = (cwd: string, file: string): string[] => [...loadConfig(cwd, file).targets.keys()];

/**
 * buddy.watch.json is read once, at start: its targets, watcher and settings shape everything
 * gowatch set up. A change to it while gowatch runs (a target added, a setting changed, a typo)
 * is never acted on: it is said, once per new content, and applies at the next start.
 */
export const configChangeNotice = (cwd: string, file: string, emit: (event: EventInput) => void): ChangeReceiver & { close(): void } => {
  const shown = path.relative(cwd, file) || file;
  const startText = readText(file);
  let startTargets: string[] = [];
  try {
    startTargets = declaredTargets(cwd, file);
  } catch {
    // Changed since it was read a moment ago: the comparison below is then about names only.
  }
  let lastText = startText;
  let closed = false;
  const queue = new SerialQueue();
  const describe = (text: string | undefined): string => {
    if (text === startText) return `${shown} is back to the configuration gowatch started with`;
    if (text === undefined) return `${shown} was removed or cannot be read; what runs keeps the settings gowatch started with`;
    const restart = 'gowatch reads it at start only, so what runs keeps its settings; restart gowatch to apply the change';
    let now: string[];
    try {
      now = declaredTargets(cwd, file);
    } catch (error) {
      return `${shown} changed and is not valid (${errorMessage(error)}); what runs keeps the settings gowatch started with`;
    }
    const added = now.filter((name) => !startTargets.includes(name));
    const removed = startTargets.filter((name) => !now.includes(name));
    const targets = [added.length > 0 ? `targets added: ${added.join(', ')}` : '', removed.length > 0 ? `targets removed: ${removed.join(', ')}` : '']
      .filter(Boolean)
      .join('; ');
    return `${shown} changed (${targets || 'settings'}): ${restart}`;
  };
  const check = () => {
    const text = readText(file);
    if (closed || text === lastText) return;
    lastText = text;
    emit({ event: 'warning', message: describe(text) });
  };
  return {
    onPaths: () => undefined,
    // Only said: it can wait for the end of the burst.
    mayMatter: () => false,
    onResubscribed: () => undefined,
    onBatch: (batch) => {
      if (!batch.has(file) || closed) return;
      void queue.push(check, (error) => emit(errorEvent(error)));
    },
    close: () => {
      closed = true;
    },
  };
};
