import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { parseModel } from '../../src/ml/model.js';
import { useEnglishIssues } from '../../src/ml/zod-english.js';
import { PredictJsonRequestSchema } from '../../src/server/schemas.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('useEnglishIssues', () => {
  it("gives the API's and the model file's issues zod's English messages", () => {
    const body = PredictJsonRequestSchema.safeParse({ images: [{ data: '' }], extra: 1 });
    expect(body.error?.issues.map((issue) => issue.message)).toEqual([
      'Too small: expected string to have >=1 characters',
      'Unrecognized key: "extra"',
    ]);
    expect(() => parseModel(new TextEncoder().encode('{"format": 1}'))).toThrow(
      'type: Invalid input: expected "svm-one-vs-rest"; classes: Invalid input: expected array, received undefined',
    );
  });

  it("keeps a language the application chose (classic zod's rule)", () => {
    const chosen = z.config().localeError;
    const own: z.core.$ZodErrorMap = () => 'eigene Meldung';
    try {
      z.config({ localeError: own });
      useEnglishIssues();
      expect(z.config().localeError).toBe(own);
    } finally {
      z.config({ localeError: chosen });
    }
  });

  it("keeps classic zod and zod's other languages out of the command line's bundle", async () => {
    // Either would bring back the large zod chunk the server's main thread compiles at start (bench:start).
    const result = await build({
      absWorkingDir: REPO,
      entryPoints: ['src/cli/main.ts'],
      bundle: true,
      format: 'esm',
      platform: 'node',
      external: ['pg', 'better-sqlite3'],
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    // The modules that reached the output: metafile.inputs also lists the ones tree-shaking dropped.
    const [output] = Object.values(result.metafile.outputs);
    const zod = Object.entries(output?.inputs ?? {})
      .filter(([input, { bytesInOutput }]) => input.includes('node_modules/zod/') && bytesInOutput > 0)
      .map(([input]) => input);
    expect(zod.length).toBeGreaterThan(0);
    const classic = zod.filter((input) => input.includes('/v4/classic/'));
    const languages = zod.filter((input) => /\/locales\/(?!en\.js$|index\.js$)[\w-]+\.js$/.test(input));
    expect({ classic, languages }).toEqual({ classic: [], languages: [] });
  });
});
