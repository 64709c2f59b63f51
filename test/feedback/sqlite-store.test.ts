import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/feedback/schema.js';
import { openSqliteStore } from '../../src/feedback/sqlite-store.js';
import { storeCases, sample } from './store.cases.js';

const dir = mkdtempSync(join(tmpdir(), 'mnist-fb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(dir, `s${n++}`, 'feedback.sqlite');

storeCases('SQLite', () => Promise.resolve(openSqliteStore(fresh())));

describe('SQLite store file', () => {
  it('uses WAL and records the schema version; reopening keeps the rows and runs no migration twice', async () => {
    const file = fresh();
    const store = openSqliteStore(file);
    const id = await store.add(sample('4'));
    await store.close();
    const again = openSqliteStore(file);
    expect((await again.get(id))?.corrected).toBe('4');
    await again.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('SELECT version FROM feedback_schema ORDER BY version').all()).toEqual(
      Array.from({ length: SCHEMA_VERSION }, (_, i) => ({ version: i + 1 })),
    );
    db.close();
  });

  it('refuses a file from a newer schema', async () => {
    const file = fresh();
    await openSqliteStore(file).close();
    const db = new Database(file);
    db.prepare("INSERT INTO feedback_schema VALUES (?, 'later')").run(SCHEMA_VERSION + 1);
    db.close();
    expect(() => openSqliteStore(file)).toThrow(/schema version/);
  });

  it('answers STORE_UNAVAILABLE while another connection holds the write lock', async () => {
    const file = fresh();
    const store = openSqliteStore(file, { busyMs: 10 });
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    await expect(store.add(sample('1'))).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    other.exec('ROLLBACK');
    other.close();
    await expect(store.add(sample('1'))).resolves.toMatch(/^[0-9a-f-]{36}$/);
    await store.close();
  });
});
