import { describe, expect, it } from 'vitest';
import { cgroupCpuQuota, cpusGranted } from '../../../src/server/node/cpus.js';

const files = (entries: Record<string, string>) => (path: string) => entries[path];

describe('cpusGranted', () => {
  it('caps the cores by a cgroup v2 quota, rounded down, never below one', () => {
    expect(cpusGranted(files({ '/sys/fs/cgroup/cpu.max': '200000 100000\n' }), 16)).toBe(2);
    expect(cpusGranted(files({ '/sys/fs/cgroup/cpu.max': '150000 100000\n' }), 16)).toBe(1);
    expect(cpusGranted(files({ '/sys/fs/cgroup/cpu.max': '50000 100000\n' }), 16)).toBe(1);
    expect(cpusGranted(files({ '/sys/fs/cgroup/cpu.max': '800000 100000\n' }), 4)).toBe(4);
  });

  it('uses every core when there is no quota ("max", no cgroup files)', () => {
    expect(cpusGranted(files({ '/sys/fs/cgroup/cpu.max': 'max 100000\n' }), 8)).toBe(8);
    expect(cpusGranted(files({}), 3)).toBe(3);
  });

  it('reads cgroup v1 quota and period files, where -1 means none', () => {
    const v1 = (quota: string) =>
      files({
        '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': `${quota}\n`,
        '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n',
      });
    expect(cgroupCpuQuota(v1('300000'))).toBe(3);
    expect(cgroupCpuQuota(v1('-1'))).toBeUndefined();
    expect(cpusGranted(v1('100000'), 16)).toBe(1);
  });
});
