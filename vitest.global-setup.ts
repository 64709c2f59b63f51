import { execFileSync } from 'node:child_process';

/**
 * Once per vitest run: makes src/server/page/script.generated.ts (the page script as a string module), so tests
 * that load the app from source work without a prior `npm run build`.
 */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build-page-script.mjs'], { stdio: 'inherit' });
}
