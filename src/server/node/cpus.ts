import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Reads a file as text, or undefined when it does not exist (the cgroup files vary by host). */
export type ReadText = (path: string) => string | undefined;

const readText: ReadText = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/**
 * The CPU quota of this process's cgroup, in CPUs, or undefined when there is none. Node 20's
 * `availableParallelism()` counts the host's cores (or the affinity mask), not a container's `--cpus` /
 * Kubernetes `limits.cpu`, which the kernel enforces as a CFS quota: a 1-CPU container on a 16-core host would
 * otherwise start 16 workers that share one CPU's time and each hold a decode's memory.
 * @param read - File reader (tests pass a fake file system).
 * @returns quota / period, e.g. 1.5; undefined for "max" or no cgroup files.
 */
export function cgroupCpuQuota(read: ReadText = readText): number | undefined {
  // cgroup v2: "<quota> <period>" or "max <period>".
  const v2 = read('/sys/fs/cgroup/cpu.max')?.trim().split(/\s+/);
  if (v2 !== undefined && v2.length === 2) return ratio(v2[0]!, v2[1]!);
  // cgroup v1: quota -1 means none.
  const quota = read('/sys/fs/cgroup/cpu/cpu.cfs_quota_us') ?? read('/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us');
  const period = read('/sys/fs/cgroup/cpu/cpu.cfs_period_us') ?? read('/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us');
  if (quota !== undefined && period !== undefined) return ratio(quota.trim(), period.trim());
  return undefined;
}

function ratio(quota: string, period: string): number | undefined {
  const q = Number(quota);
  const p = Number(period);
  if (!Number.isFinite(q) || !Number.isFinite(p) || q <= 0 || p <= 0) return undefined;
  return q / p;
}

/**
 * CPUs this process may use: the cores it can run on, capped by its cgroup quota, rounded down (a 1.5-CPU
 * quota runs one busy thread without throttling, two would be throttled every period), never below 1.
 * @param read - File reader (tests).
 * @param cores - Cores available (default: `os.availableParallelism()`).
 * @returns A positive integer.
 */
export function cpusGranted(read: ReadText = readText, cores: number = availableParallelism()): number {
  const quota = cgroupCpuQuota(read);
  return Math.max(1, Math.min(cores, quota === undefined ? cores : Math.floor(quota)));
}
