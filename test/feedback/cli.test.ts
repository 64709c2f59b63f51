import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, resolveStoreLocation } from '../../src/feedback/open-store.js';
import { readIdxImages, readIdxLabels } from '../../src/ml/idx.js';
import { runCli } from '../../src/cli/run.js';
import { startTestPostgres, type TestPostgres } from './postgres-server.js';
import { sample } from './store.cases.js';

const dir = mkdtempSync(join(tmpdir(), 'mnist-fb-cli-'));
let pgServer: TestPostgres;
beforeAll(async () => {
  pgServer = await startTestPostgres();
});
afterAll(() => {
  pgServer?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

describe.each([
  ['SQLite', () => join(dir, 'cli.sqlite')],
  ['PostgreSQL', () => pgServer.url],
])('mnist-digits feedback on %s', (_name, target) => {
  it('lists ids, shows, accepts, rejects and exports IDX files', async () => {
    const store = await openStore(resolveStoreLocation(target(), {}));
    const a = await store.add(sample('12', 7));
    const b = await store.add(sample('3', 3));
    await store.close();
    const list = await cli(['feedback', 'list', '--db', target()]);
    expect(list.code).toBe(0);
    expect(list.out).toContain(a);
    expect(list.out).toContain(b);
    const show = await cli(['feedback', 'show', a, '--db', target()]);
    expect(show.out).toContain('"corrected": "12"');
    expect((await cli(['feedback', 'accept', a, '--db', target()])).code).toBe(0);
    expect((await cli(['feedback', 'reject', b, '--db', target()])).code).toBe(0);
    const missing = await cli(['feedback', 'accept', 'nope', '--db', target()]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("no correction with id 'nope'");
    const out = join(dir, `export-${_name}`);
    expect((await cli(['feedback', 'export', '--db', target(), '--out', out])).out).toMatch(
      /^2 digits from 1 accepted/,
    );
    expect(readIdxImages(readFileSync(join(out, 'feedback-images-idx3-ubyte'))).count).toBe(2);
    expect([...readIdxLabels(readFileSync(join(out, 'feedback-labels-idx1-ubyte'))).labels]).toEqual([1, 2]);
    const pending = await cli(['feedback', 'list', '--status', 'pending', '--db', target()]);
    expect(pending.out).toBe('');
  });
});

it('refuses an unknown action or status with a usage error (exit 2)', async () => {
  expect((await cli(['feedback', 'frobnicate'])).code).toBe(2);
  expect((await cli(['feedback', 'list', '--status', 'maybe', '--db', join(dir, 'x.sqlite')])).code).toBe(2);
});
