import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, SCHEMA_VERSION, SUMMARY_COLUMNS, VERSION_TABLE_SQL } from './schema.js';
import {
  assertValidCorrection,
  DEFAULT_LIST_LIMIT,
  StoreError,
  toAcceptedDigits,
  type AddOptions,
  type Correction,
  type CorrectionStatus,
  type CorrectionStore,
  type CorrectionSummary,
  type ListOptions,
  type NewCorrection,
} from './store.js';

/**
 * How long a write waits for another process's lock (the CLI reviewing while the server writes) before the call
 * fails with STORE_UNAVAILABLE; short, because a waiting write holds the event loop (better-sqlite3 is synchronous).
 */
export const DEFAULT_SQLITE_BUSY_MS = 200;

interface Row {
  id: string;
  status: CorrectionStatus;
  created_at: string;
  predicted: string;
  corrected: string;
  model_sha256: string | null;
  filename: string | null;
  normalized: Buffer;
  upload_bytes: number | null;
  upload?: Buffer | null;
}

function toSummary(row: Row): CorrectionSummary {
  return {
    id: row.id,
    status: row.status,
    createdAt: row.created_at,
    predicted: row.predicted,
    corrected: row.corrected,
    modelSha256: row.model_sha256,
    filename: row.filename,
    normalized: new Uint8Array(row.normalized),
    uploadBytes: row.upload_bytes ?? 0,
  };
}

/** SQLITE_BUSY / SQLITE_LOCKED and I/O failures are "try again later"; anything else is a bug and rethrown. */
function translate(err: unknown): never {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY)/.test(code)) {
    throw new StoreError('STORE_UNAVAILABLE', `the corrections database is unavailable (${code})`, { cause: err });
  }
  throw err;
}

function migrate(db: Database.Database, file: string): void {
  db.exec(VERSION_TABLE_SQL);
  const current = (db.prepare('SELECT max(version) AS v FROM feedback_schema').get() as { v: number | null }).v ?? 0;
  if (current > SCHEMA_VERSION) {
    throw new StoreError(
      'BAD_STORE_CONFIG',
      `${file} has schema version ${current}; this build knows up to ${SCHEMA_VERSION}: upgrade mnist-digits`,
    );
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sqlite);
      db.prepare('INSERT INTO feedback_schema (version, applied_at) VALUES (?, ?)').run(
        m.version,
        new Date().toISOString(),
      );
    }).immediate();
  }
}

/**
 * Opens (creating if needed) the SQLite corrections store: one file, WAL journal so the server's writes and the
 * CLI's reads do not block each other, `synchronous = FULL` so a correction answered 201 survives a crash.
 * @param file - Path of the database file (its folder is created).
 * @param options.busyMs - Lock wait before STORE_UNAVAILABLE (default {@link DEFAULT_SQLITE_BUSY_MS}).
 * @returns The store.
 * @example const store = openSqliteStore('data/feedback.sqlite');
 */
export function openSqliteStore(file: string, options: { busyMs?: number } = {}): CorrectionStore {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(file);
    db.pragma(`busy_timeout = ${Math.trunc(options.busyMs ?? DEFAULT_SQLITE_BUSY_MS)}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    migrate(db, file);
  } catch (err) {
    if (err instanceof StoreError) throw err;
    translate(err);
  }
  const insert = db.prepare(
    `INSERT INTO corrections (id, status, created_at, predicted, corrected, model_sha256, filename, normalized, upload)
     VALUES (?, 'pending', ?, ?, ?, ?, ?, ?, ?)`,
  );
  const pending = db.prepare("SELECT count(*) AS n FROM corrections WHERE status = 'pending'");
  const setStatus = db.prepare('UPDATE corrections SET status = ? WHERE id = ?');
  const add = db.transaction((c: NewCorrection, maxPending: number | undefined): string => {
    if (maxPending !== undefined && (pending.get() as { n: number }).n >= maxPending) {
      throw new StoreError('STORE_FULL', `${maxPending} corrections are waiting for review; try again after review`);
    }
    const id = randomUUID();
    insert.run(
      id,
      new Date().toISOString(),
      c.predicted,
      c.corrected,
      c.modelSha256,
      c.filename,
      c.normalized,
      c.upload,
    );
    return id;
  });
  // better-sqlite3 is synchronous; the interface is async so both stores are used alike.
  const guard = async <T>(fn: () => T): Promise<T> => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof StoreError) throw err;
      translate(err);
    }
  };

  return {
    kind: 'sqlite',
    add: async (c: NewCorrection, o: AddOptions = {}) => {
      assertValidCorrection(c);
      // IMMEDIATE takes the write lock before counting, so two writers cannot both pass the pending cap.
      return guard(() => add.immediate(c, o.maxPending));
    },
    get: (id) =>
      guard(() => {
        const row = db.prepare(`SELECT ${SUMMARY_COLUMNS}, upload FROM corrections WHERE id = ?`).get(id) as
          Row | undefined;
        if (row === undefined) return undefined;
        const { uploadBytes: _, ...rest } = toSummary(row);
        return { ...rest, upload: row.upload ? new Uint8Array(row.upload) : null } satisfies Correction;
      }),
    list: (o: ListOptions = {}) =>
      guard(() => {
        const limit = Math.max(0, Math.trunc(o.limit ?? DEFAULT_LIST_LIMIT));
        const rows = (
          o.status === undefined
            ? db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM corrections ORDER BY seq DESC LIMIT ?`).all(limit)
            : db
                .prepare(`SELECT ${SUMMARY_COLUMNS} FROM corrections WHERE status = ? ORDER BY seq DESC LIMIT ?`)
                .all(o.status, limit)
        ) as Row[];
        return rows.map(toSummary);
      }),
    accept: (id) => guard(() => setStatus.run('accepted', id).changes > 0),
    reject: (id) => guard(() => setStatus.run('rejected', id).changes > 0),
    export: () =>
      guard(() =>
        toAcceptedDigits(
          db.prepare("SELECT normalized, corrected FROM corrections WHERE status = 'accepted' ORDER BY seq").all() as {
            normalized: Buffer;
            corrected: string;
          }[],
        ),
      ),
    counts: () =>
      guard(() => {
        const out: Record<CorrectionStatus, number> = { pending: 0, accepted: 0, rejected: 0 };
        for (const r of db.prepare('SELECT status, count(*) AS n FROM corrections GROUP BY status').all() as {
          status: CorrectionStatus;
          n: number;
        }[]) {
          out[r.status] = r.n;
        }
        return out;
      }),
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}
