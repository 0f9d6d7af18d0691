/** The type tests of fs.Stats and fs.Dirent, which both answer what a path is. */
export type KindOf = {
  isFile(): boolean;
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
};

/** What a path is when it is neither a regular file nor a directory: reading a FIFO or a device can block or never end. */
export const specialKind = (stats: KindOf): string | undefined => {
  if (stats.isFile() || stats.isDirectory()) return undefined;
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  return 'not a regular file';
};

/** What a path is when it is not a regular file. */
export const notRegular = (stats: KindOf): string | undefined => (stats.isDirectory() ? 'a directory' : specialKind(stats));
