import { randomUUID } from 'node:crypto';
import pg from 'pg';
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

/** Connections per server process: writes are short, and several replicas share one PostgreSQL. */
export const DEFAULT_PG_POOL_SIZE = 4;
/** How long a call waits for a connection or a statement before STORE_UNAVAILABLE (a prediction never waits on it). */
export const DEFAULT_PG_TIMEOUT_MS = 2_000;
/** Advisory-lock key that serializes migrations and the pending cap across replicas ("mnistfb" in ASCII). */
const LOCK_KEY = 0x6d6e697374666200n;

interface Row {
  id: string;
  status: CorrectionStatus;
  created_at: string;
  predicted: string;
  corrected: string;
  model_sha256: string | null;
  filename: string | null;
  normalized: Buffer;
  upload_bytes: number | string | null;
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
    uploadBytes: Number(row.upload_bytes ?? 0),
  };
}

/** Connection and server-side failures become STORE_UNAVAILABLE (retry later); our own errors pass through. */
function translate(err: unknown): never {
  if (err instanceof StoreError) throw err;
  const code = (err as { code?: unknown }).code;
  // SQLSTATE classes 08 (connection), 53 (resources), 57 (operator intervention), 40 (rollback), 55P03 (lock).
  const unavailable =
    (typeof code === 'string' && /^(08|53|57|40|55P03|E[A-Z]+)/.test(code)) ||
    /timeout|terminat|connect/i.test(String((err as { message?: unknown }).message));
  if (unavailable) {
    throw new StoreError(
      'STORE_UNAVAILABLE',
      `the corrections database is unavailable (${typeof code === 'string' ? code : 'no connection'})`,
      {
        cause: err,
      },
    );
  }
  throw err;
}

async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

async function migrate(pool: pg.Pool): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY.toString()]);
    await client.query(VERSION_TABLE_SQL);
    const current = Number(
      (await client.query<{ v: number | null }>('SELECT max(version) AS v FROM feedback_schema')).rows[0]?.v ?? 0,
    );
    if (current > SCHEMA_VERSION) {
      throw new StoreError(
        'BAD_STORE_CONFIG',
        `the database has schema version ${current}; this build knows up to ${SCHEMA_VERSION}`,
      );
    }
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      await client.query(m.postgres);
      await client.query('INSERT INTO feedback_schema (version, applied_at) VALUES ($1, $2)', [
        m.version,
        new Date().toISOString(),
      ]);
    }
  });
}

/**
 * Connects to PostgreSQL, brings the schema up to date (the same migrations as SQLite, serialized across replicas
 * by an advisory lock) and returns the store.
 * @param url - A `postgres://` connection string (DATABASE_URL).
 * @param options.poolSize - Connections (default {@link DEFAULT_PG_POOL_SIZE}).
 * @param options.timeoutMs - Connection and statement timeout (default {@link DEFAULT_PG_TIMEOUT_MS}).
 * @returns The store.
 * @example const store = await openPostgresStore(process.env.DATABASE_URL!);
 */
export async function openPostgresStore(
  url: string,
  options: { poolSize?: number; timeoutMs?: number } = {},
): Promise<CorrectionStore> {
  const timeout = options.timeoutMs ?? DEFAULT_PG_TIMEOUT_MS;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? DEFAULT_PG_POOL_SIZE,
    connectionTimeoutMillis: timeout,
    statement_timeout: timeout,
    query_timeout: timeout,
  });
  // An idle client that loses its server emits 'error' on the pool; without a listener that would end the process.
  pool.on('error', () => undefined);
  try {
    await migrate(pool);
  } catch (err) {
    await pool.end().catch(() => undefined);
    translate(err);
  }
  const guard = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      translate(err);
    }
  };
  const setStatus = (status: CorrectionStatus, id: string) =>
    guard(
      async () =>
        ((await pool.query('UPDATE corrections SET status = $1 WHERE id = $2', [status, id])).rowCount ?? 0) > 0,
    );

  return {
    kind: 'postgres',
    add: async (c: NewCorrection, o: AddOptions = {}) => {
      assertValidCorrection(c);
      return guard(() =>
        inTransaction(pool, async (client) => {
          if (o.maxPending !== undefined) {
            // Serializes the count-then-insert across replicas so the cap holds exactly.
            await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY.toString()]);
            const n = Number(
              (await client.query<{ n: string }>("SELECT count(*) AS n FROM corrections WHERE status = 'pending'"))
                .rows[0]?.n,
            );
            if (n >= o.maxPending) {
              throw new StoreError(
                'STORE_FULL',
                `${o.maxPending} corrections are waiting for review; try again after review`,
              );
            }
          }
          const id = randomUUID();
          await client.query(
            `INSERT INTO corrections (id, status, created_at, predicted, corrected, model_sha256, filename, normalized, upload)
             VALUES ($1, 'pending', $2, $3, $4, $5, $6, $7, $8)`,
            [
              id,
              new Date().toISOString(),
              c.predicted,
              c.corrected,
              c.modelSha256,
              c.filename,
              Buffer.from(c.normalized),
              c.upload === null ? null : Buffer.from(c.upload),
            ],
          );
          return id;
        }),
      );
    },
    get: (id) =>
      guard(async () => {
        const row = (await pool.query(`SELECT ${SUMMARY_COLUMNS}, upload FROM corrections WHERE id = $1`, [id]))
          .rows[0] as Row | undefined;
        if (row === undefined) return undefined;
        const { uploadBytes: _, ...rest } = toSummary(row);
        return { ...rest, upload: row.upload ? new Uint8Array(row.upload) : null } satisfies Correction;
      }),
    list: (o: ListOptions = {}) =>
      guard(async () => {
        const limit = Math.max(0, Math.trunc(o.limit ?? DEFAULT_LIST_LIMIT));
        const result =
          o.status === undefined
            ? await pool.query(`SELECT ${SUMMARY_COLUMNS} FROM corrections ORDER BY seq DESC LIMIT $1`, [limit])
            : await pool.query(
                `SELECT ${SUMMARY_COLUMNS} FROM corrections WHERE status = $1 ORDER BY seq DESC LIMIT $2`,
                [o.status, limit],
              );
        return (result.rows as Row[]).map(toSummary);
      }),
    accept: (id) => setStatus('accepted', id),
    reject: (id) => setStatus('rejected', id),
    export: () =>
      guard(async () => {
        const rows = (
          await pool.query("SELECT normalized, corrected FROM corrections WHERE status = 'accepted' ORDER BY seq")
        ).rows as { normalized: Buffer; corrected: string }[];
        return toAcceptedDigits(rows);
      }),
    counts: () =>
      guard(async () => {
        const out: Record<CorrectionStatus, number> = { pending: 0, accepted: 0, rejected: 0 };
        const rows = (await pool.query('SELECT status, count(*) AS n FROM corrections GROUP BY status')).rows as {
          status: CorrectionStatus;
          n: string;
        }[];
        for (const r of rows) out[r.status] = Number(r.n);
        return out;
      }),
    close: () => pool.end(),
  };
}
