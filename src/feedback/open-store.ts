import { join } from 'node:path';
import { StoreError, type CorrectionStore } from './store.js';

/** Where the SQLite file lives unless DATA_DIR says otherwise: beside the app, a volume in the container. */
export const DEFAULT_DATA_DIR = './data';
/** The SQLite file's name inside DATA_DIR. */
export const SQLITE_FILE = 'feedback.sqlite';

/** Where the corrections are: a PostgreSQL URL, or a SQLite file. */
export type StoreLocation =
  { readonly kind: 'postgres'; readonly url: string } | { readonly kind: 'sqlite'; readonly file: string };

/**
 * Resolves the store's location the same way for the server and the CLI: an explicit target (a `postgres://`
 * URL or a file path), then DATABASE_URL, then DATA_DIR/feedback.sqlite, then ./data/feedback.sqlite.
 * @param target - An explicit URL or file (the CLI's `--feedback`), or undefined.
 * @param env - The environment.
 * @returns The location.
 */
export function resolveStoreLocation(
  target: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): StoreLocation {
  const url = target ?? (env['DATABASE_URL'] || undefined);
  if (url !== undefined && /^postgres(ql)?:\/\//i.test(url)) return { kind: 'postgres', url };
  if (target !== undefined) return { kind: 'sqlite', file: target };
  if (url !== undefined) {
    throw new StoreError('BAD_STORE_CONFIG', 'DATABASE_URL must start with postgres:// or postgresql://');
  }
  return { kind: 'sqlite', file: join(env['DATA_DIR'] || DEFAULT_DATA_DIR, SQLITE_FILE) };
}

/**
 * Opens the store at a location.
 * @param location - From {@link resolveStoreLocation}.
 * @returns The open store (migrated).
 */
export async function openStore(location: StoreLocation): Promise<CorrectionStore> {
  // Loaded on first use: a server or CLI command that stores nothing never loads the native SQLite addon or pg.
  if (location.kind === 'postgres') return (await import('./postgres-store.js')).openPostgresStore(location.url);
  // better-sqlite3 is an optional peer dependency (a native addon that builds from source where no prebuilt
  // binary can be fetched, minutes per install), so a package user without it gets this message, not a crash.
  const sqlite = await import('./sqlite-store.js').catch((err: unknown) => {
    throw new StoreError(
      'BAD_STORE_CONFIG',
      'the SQLite corrections store needs better-sqlite3 (npm install better-sqlite3@12), or set DATABASE_URL',
      { cause: err },
    );
  });
  return sqlite.openSqliteStore(location.file);
}
