import { closeSync, openSync, readSync } from 'node:fs';

/** What nearly every Linux system uses; arm64 and ppc64 kernels may use 16 or 64 KiB. */
const COMMON_PAGE_BYTES = 4096;

/**
 * Linux: the kernel's base page size, the unit of /proc/PID/stat's rss. Node exposes no
 * sysconf, so it is read from the first mapping in /proc/self/smaps ("KernelPageSize: 4 kB":
 * the executable's mapping, never a hugetlb one); only that mapping is read, which is cheap.
 */
export const linuxPageBytes = (): number => {
  let fd: number | undefined;
  try {
    fd = openSync('/proc/self/smaps', 'r');
    const buffer = Buffer.alloc(4096);
    const text = buffer.toString('latin1', 0, readSync(fd, buffer, 0, buffer.length, 0));
    const kib = Number(/^KernelPageSize:\s+(\d+) kB$/m.exec(text)?.[1]);
    return kib > 0 ? kib * 1024 : COMMON_PAGE_BYTES;
  } catch {
    return COMMON_PAGE_BYTES; // a kernel without CONFIG_PROC_PAGE_MONITOR has no smaps
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
};
