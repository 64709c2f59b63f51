import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { RuntimeGauge } from '../metrics.js';

/**
 * The Node process's figures for /metrics: resident memory, and how late the event loop ran (sampled every 10 ms).
 * The delay figures cover the time since the previous scrape, as Prometheus clients do, so a stall shows in the
 * scrape that follows it and then clears.
 * @returns Start sampling, read the gauges (resetting the delay window), stop sampling.
 */
export function runtimeGauges(): { read: () => readonly RuntimeGauge[]; stop: () => void } {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const read = (): readonly RuntimeGauge[] => {
    // The histogram is in nanoseconds; an empty window reads as 0, not as the histogram's sentinel values.
    const seconds = (ns: number) => (delay.count === 0 ? 0 : ns / 1e9);
    const gauges: RuntimeGauge[] = [
      {
        name: 'process_resident_memory_bytes',
        help: 'Resident memory of the server process (all threads).',
        value: process.memoryUsage.rss(),
      },
      {
        name: 'nodejs_eventloop_delay_max_seconds',
        help: 'Longest event-loop delay since the previous scrape (10 ms sampling).',
        value: seconds(delay.max),
      },
      {
        name: 'nodejs_eventloop_delay_p99_seconds',
        help: '99th percentile of the event-loop delay since the previous scrape.',
        value: seconds(delay.percentile(99)),
      },
    ];
    delay.reset();
    return gauges;
  };
  return { read, stop: () => delay.disable() };
}
