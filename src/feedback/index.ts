/** The corrections store (Node only): SQLite or PostgreSQL behind one interface, and IDX export. */
export { openPostgresStore, DEFAULT_PG_POOL_SIZE, DEFAULT_PG_TIMEOUT_MS } from './postgres-store.js';
export { openSqliteStore, DEFAULT_SQLITE_BUSY_MS } from './sqlite-store.js';
export { DEFAULT_DATA_DIR, openStore, resolveStoreLocation, SQLITE_FILE } from './open-store.js';
export type { StoreLocation } from './open-store.js';
export { toIdx } from './idx-export.js';
export { MIGRATIONS, SCHEMA_VERSION } from './schema.js';
export {
  assertValidCorrection,
  CORRECTION_STATUSES,
  DEFAULT_LIST_LIMIT,
  StoreError,
  toAcceptedDigits,
} from './store.js';
export type {
  AcceptedDigits,
  AddOptions,
  Correction,
  CorrectionStatus,
  CorrectionStore,
  CorrectionSummary,
  ListOptions,
  NewCorrection,
  StoreErrorCode,
} from './store.js';
