import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/feedback/postgres-store.js';
import { SCHEMA_VERSION } from '../../src/feedback/schema.js';
import { startTestPostgres, type TestPostgres } from './postgres-server.js';
import { storeCases, sample } from './store.cases.js';

let server: TestPostgres;
let admin: pg.Client;
let n = 0;
beforeAll(async () => {
  server = await startTestPostgres();
  admin = new pg.Client(server.url);
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
  server?.stop();
});

/** A fresh database per test, so each starts from an empty schema. */
async function freshUrl(): Promise<string> {
  const name = `fb_${process.pid}_${n++}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  return url.toString();
}

storeCases('PostgreSQL', async () => openPostgresStore(await freshUrl()));

describe('PostgreSQL store database', () => {
  it('records the schema version; a second store on the same database (another replica) sees the same rows', async () => {
    const url = await freshUrl();
    const [a, b] = await Promise.all([openPostgresStore(url), openPostgresStore(url)]);
    const id = await a.add(sample('9'));
    expect((await b.get(id))?.corrected).toBe('9');
    const client = new pg.Client(url);
    await client.connect();
    expect((await client.query('SELECT max(version) AS v FROM feedback_schema')).rows[0].v).toBe(SCHEMA_VERSION);
    await client.end();
    await Promise.all([a.close(), b.close()]);
  });

  it('answers STORE_UNAVAILABLE when the server is unreachable', async () => {
    const url = new URL(server.url);
    url.port = '1';
    await expect(openPostgresStore(url.toString(), { timeoutMs: 500 })).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
    });
  });
});
