import { GowatchError } from '../errors.js';
import { checkValue } from './check-value.js';
import { configFields, type Config, type ConfigKey } from './schema.js';

/**
 * A flag's value through the same check as the config key it overrides, so bounds and messages
 * are written once. Flags arrive as text: digits become the number a config file would hold.
 */
export const flagValue = <K extends ConfigKey>(flag: string, key: K, raw: string | readonly string[] | undefined): Config[K] | undefined => {
  if (raw === undefined) return undefined;
  const field = configFields[key];
  const value = typeof raw === 'string' && typeof field.default === 'number' && /^\d+$/.test(raw) ? Number(raw) : raw;
  const checked = checkValue<Config[K]>(field, value);
  if (!checked.ok) throw new GowatchError('usage', `${flag}${checked.item}: ${checked.problem}`);
  return checked.value;
};
