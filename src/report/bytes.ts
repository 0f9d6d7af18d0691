/**
 * A size for people, in decimal units (1 MB = 1,000,000 bytes, as disks and `df -H` count):
 * every size gowatch shows — doctor's and the cache's — goes through here, so they agree.
 */
export const formatBytes = (bytes: number): string => {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
};
