import type { ChosenPackage } from './choose-packages.js';

type Settings = Readonly<Record<string, unknown>>;

const PORT = /^\d+$/;

/** The template's PORT when it sets one, which several servers cannot share. */
const templatePort = (settings: Settings): number | undefined => {
  const env = settings['go.run.env'];
  const port = typeof env === 'object' && env !== null ? (env as Record<string, unknown>)['PORT'] : undefined;
  return typeof port === 'string' && PORT.test(port) ? Number(port) : undefined;
};

/**
 * buddy.watch.json from a template's settings and the packages chosen: "$schema" first, then
 * one package as go.build.package (left out when it is the default "."), or one target per
 * package. Among several targets a PORT of the template is counted up, one port each; as a
 * target's go.run.env replaces the top-level one, the whole environment moves into the targets.
 */
export const composeConfig = (schema: string, settings: Settings, chosen: readonly ChosenPackage[]): Record<string, unknown> => {
  const { 'go.build.package': _package, ...rest } = settings;
  if (chosen.length === 1) {
    const [only] = chosen;
    return { $schema: schema, ...(only!.relative === '.' ? {} : { 'go.build.package': only!.relative }), ...rest };
  }
  const port = templatePort(rest);
  const { 'go.run.env': env, ...shared } = rest;
  const targets = Object.fromEntries(
    chosen.map((pkg, index) => [
      pkg.name,
      {
        'go.build.package': pkg.relative,
        ...(port === undefined ? {} : { 'go.run.env': { ...(env as Settings), PORT: String(port + index) } }),
      },
    ]),
  );
  return { $schema: schema, ...(port === undefined ? rest : shared), targets };
};
