import * as z from 'zod/mini';
import { en } from 'zod/locales';

/**
 * Gives zod's issues their English messages ("Invalid input: expected number, received string"), which clients see
 * in a 400's `issues` and users in a MODEL_INVALID message. zod/mini registers no messages of its own (classic zod
 * registers English when it builds its first schema): without this every issue would read "Invalid input". Only
 * when no language is set, as classic zod does, so an application's own `z.config(locale)` still wins.
 *
 * Called where the model readers validate, just before, not when a module is imported: the toolkit's modules have
 * no side effects at import (the package is `"sideEffects": false`, so a bundler may drop an import made only for
 * one). src/server/schemas.ts calls it as it loads, for applications that validate with its exported schemas.
 */
export function useEnglishIssues(): void {
  if (z.config().localeError === undefined) z.config(en());
}
