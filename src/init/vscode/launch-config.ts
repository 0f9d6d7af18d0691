import type { ListenAddress } from '../debug-listen.js';

/** The name of gowatch's configuration in launch.json: init adds it only where no entry has it. */
export const ATTACH_NAME = 'gowatch: attach';

/** One configuration per target when the config has "targets": each attaches to its target's Delve. */
const attachName = (listen: ListenAddress): string => (listen.target === undefined ? ATTACH_NAME : `${ATTACH_NAME} ${listen.target}`);

/**
 * The Go extension's attach to a Delve server that is already listening (its "remote" mode),
 * where `gowatch run --debug` is to serve Delve. No substitutePath: the sources are where the
 * binary was built, except in a container (the README says what to set there).
 */
export const attachConfiguration = (listen: ListenAddress) => ({
  name: attachName(listen),
  type: 'go',
  request: 'attach',
  mode: 'remote',
  host: listen.host,
  port: listen.port,
});

export const launchFile = (listen: ListenAddress) => ({ version: '0.2.0', configurations: [attachConfiguration(listen)] });
