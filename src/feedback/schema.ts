/**
 * The corrections schema, one list of migrations for both stores. Each migration runs once, in order, inside a
 * transaction that also records its version in `feedback_schema`; a store opened on an older file or database
 * brings it up to date, and one opened on a newer one refuses (it would not know the columns).
 */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sqlite: string;
  readonly postgres: string;
}

/** The migrations, oldest first; append, never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'corrections table',
    sqlite: `CREATE TABLE corrections (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
      created_at TEXT NOT NULL,
      predicted TEXT NOT NULL,
      corrected TEXT NOT NULL,
      model_sha256 TEXT,
      filename TEXT,
      normalized BLOB NOT NULL,
      upload BLOB
    )`,
    postgres: `CREATE TABLE corrections (
      seq BIGSERIAL PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
      created_at TEXT NOT NULL,
      predicted TEXT NOT NULL,
      corrected TEXT NOT NULL,
      model_sha256 TEXT,
      filename TEXT,
      normalized BYTEA NOT NULL,
      upload BYTEA
    )`,
  },
  {
    version: 2,
    description: 'index for review lists and the pending cap',
    sqlite: 'CREATE INDEX corrections_status_seq ON corrections (status, seq)',
    postgres: 'CREATE INDEX corrections_status_seq ON corrections (status, seq)',
  },
];

/** The schema version this code reads and writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** The table that records applied migrations (same name and shape in both stores). */
export const VERSION_TABLE_SQL =
  'CREATE TABLE IF NOT EXISTS feedback_schema (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)';

/** Columns every read selects, in the order the row mappers expect. */
export const SUMMARY_COLUMNS =
  'id, status, created_at, predicted, corrected, model_sha256, filename, normalized, length(upload) AS upload_bytes';
