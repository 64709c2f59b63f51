import { describe, expect, it } from 'vitest';
import { runtimeGauges } from '../../../src/server/node/runtime-gauges.js';
import { createApp } from '../../../src/server/app.js';
import { tinyModel } from '../fixtures.js';

const value = (gauges: readonly { name: string; value: number }[], name: string) =>
  gauges.find((g) => g.name === name)?.value;

/** Keeps the event loop busy, as a slow synchronous parse would. */
function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('runtime gauges', () => {
  it('report a stall of the event loop in the next scrape, then clear', async () => {
    const runtime = runtimeGauges();
    try {
      await new Promise((resolve) => setTimeout(resolve, 50));
      block(150);
      await new Promise((resolve) => setTimeout(resolve, 30));
      const during = runtime.read();
      expect(value(during, 'nodejs_eventloop_delay_max_seconds')).toBeGreaterThanOrEqual(0.12);
      expect(value(during, 'process_resident_memory_bytes')).toBeGreaterThan(10 * 1024 * 1024);
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(value(runtime.read(), 'nodejs_eventloop_delay_max_seconds')).toBeLessThan(0.12);
    } finally {
      runtime.stop();
    }
  });

  it('appear in /metrics when the entry supplies them', async () => {
    const app = createApp({
      model: tinyModel(),
      runtimeGauges: () => [{ name: 'nodejs_eventloop_delay_max_seconds', help: 'Longest delay.', value: 0.25 }],
    });
    const text = await (await app.request('/metrics')).text();
    expect(text).toContain(
      '# TYPE nodejs_eventloop_delay_max_seconds gauge\nnodejs_eventloop_delay_max_seconds 0.25\n',
    );
  });
});
