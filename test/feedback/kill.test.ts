import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mnistPng } from '../server/fixtures.js';
import { startTestPostgres, type TestPostgres } from './postgres-server.js';

const TOKEN = 'kill-test-admin-token-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'mnist-fb-kill-'));
let pgServer: TestPostgres;
beforeAll(async () => {
  pgServer = await startTestPostgres();
});
afterAll(() => {
  pgServer?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the server in a child process and waits for the URL it prints. */
function startChild(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/feedback/serve-child.ts'], {
    env: {
      ...process.env,
      ...env,
      ADMIN_TOKEN: TOKEN,
      FEEDBACK_RATE_PER_MINUTE: '100000',
      LOG_LEVEL: 'silent',
      MAX_QUEUE: '1000',
      // Every request comes from one address here; the per-client upload cap (16) is not what this test is about.
      MAX_UPLOADS_PER_CLIENT: '1000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const line = text.split('\n')[0];
      if (text.includes('\n') && line) resolve({ child, url: line.trim() });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening`)));
  });
}

describe.each([
  ['SQLite', () => ({ DATA_DIR: join(dir, 'data') })],
  ['PostgreSQL', () => ({ DATABASE_URL: pgServer.url })],
])('no acknowledged correction is lost (%s)', (_name, env) => {
  it('300 concurrent corrections, SIGKILL in the middle: every one answered 201 is there after a restart', async () => {
    const first = await startChild(env());
    const png = mnistPng(0).png;
    const acknowledged: string[] = [];
    let answered = 0;
    const sends = Array.from({ length: 300 }, async () => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'five.png');
      form.append('digit', '5');
      try {
        const res = await fetch(`${first.url}/v1/feedback`, { method: 'POST', body: form });
        if (res.status === 201) acknowledged.push(((await res.json()) as { id: string }).id);
      } catch {
        // The connection died with the server: not acknowledged, so it may be lost.
      }
      if (++answered === 100) first.child.kill('SIGKILL');
    });
    await Promise.all(sends);
    expect(first.child.signalCode ?? (await new Promise((r) => first.child.once('exit', (_c, s) => r(s))))).toBe(
      'SIGKILL',
    );
    expect(acknowledged.length).toBeGreaterThanOrEqual(50);

    const second = await startChild(env());
    try {
      const res = await fetch(`${second.url}/v1/feedback?limit=500`, { headers: { authorization: `Bearer ${TOKEN}` } });
      const stored = new Set(((await res.json()) as { corrections: { id: string }[] }).corrections.map((c) => c.id));
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    } finally {
      second.child.kill('SIGKILL');
    }
  });
});
