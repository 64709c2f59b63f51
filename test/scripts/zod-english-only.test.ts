import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { zodEnglishOnly } from '../../scripts/zod-english-only.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Bundles `source` (an ES module importing zod) as bundle-cli.mjs would, with or without the plugin. */
async function bundle(source: string, withPlugin: boolean): Promise<string> {
  const result = await build({
    stdin: { contents: source, resolveDir: REPO, loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    logLevel: 'silent',
    plugins: withPlugin ? [zodEnglishOnly] : [],
  });
  return result.outputFiles[0]!.text;
}

const SOURCE = `import { z } from 'zod';
export const message = z.object({ images: z.array(z.string()) }).safeParse({ images: 1 }).error.issues[0].message;
export const languages = Object.keys(z.locales).length;`;

async function run(code: string): Promise<{ message: string; languages: number }> {
  return (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as {
    message: string;
    languages: number;
  };
}

describe('zodEnglishOnly (the command-line bundle)', () => {
  it("drops zod's other languages and keeps its English messages", async () => {
    const [full, lean] = await Promise.all([bundle(SOURCE, false), bundle(SOURCE, true)]);
    expect(full).toContain('node_modules/zod/v4/locales/de.js');
    expect(lean).not.toContain('node_modules/zod/v4/locales/de.js');
    expect(lean).toContain('node_modules/zod/v4/locales/en.js');
    expect(lean.length).toBeLessThan(0.7 * full.length);
    const [a, b] = await Promise.all([run(full), run(lean)]);
    expect(a.languages).toBeGreaterThan(10);
    expect(b.languages).toBe(0);
    expect(b.message).toBe(a.message);
    expect(b.message).toMatch(/expected array/i);
  });
});
