import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EDGE_LIMITS, edgeEnvironment } from '../../../src/server/edge/limits.js';
import { LIMIT_ENV_VARS, resolveLimits } from '../../../src/server/limits.js';
import { COMPATIBILITY_DATE, DEFAULT_EDGE_DIR, EDGE_MODULES, REPO_ROOT } from '../../../scripts/edge/build.js';
import { workerdConfig } from '../../../scripts/edge/workerd.js';

interface WranglerConfig {
  main: string;
  compatibility_date: string;
  compatibility_flags?: string[];
  no_bundle?: boolean;
  find_additional_modules?: boolean;
  base_dir?: string;
  build: { command: string };
  rules: { type: string; globs: string[] }[];
  vars?: Record<string, string>;
}

/** wrangler.jsonc with its whole-line comments removed (the only comments it has). */
const wrangler = JSON.parse(
  readFileSync(path.join(REPO_ROOT, 'wrangler.jsonc'), 'utf8')
    .split('\n')
    .filter((line) => !line.trim().startsWith('//'))
    .join('\n'),
) as WranglerConfig;
const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  files: string[];
};
const scripts = pkg.scripts;

/** The rule wrangler applies to a module name: the first whose glob's extension matches (globs here are `**\/*.ext`). */
function ruleFor(name: string): string | undefined {
  return wrangler.rules.find((rule) => rule.globs.some((glob) => name.endsWith(glob.replace('**/*', ''))))?.type;
}

describe('wrangler.jsonc (for `wrangler deploy`)', () => {
  it('uploads the directory the build writes, as built, with the modules the worker imports typed right', () => {
    expect(path.resolve(REPO_ROOT, wrangler.main)).toBe(path.join(DEFAULT_EDGE_DIR, EDGE_MODULES.main));
    expect(path.resolve(REPO_ROOT, wrangler.base_dir ?? '')).toBe(DEFAULT_EDGE_DIR);
    expect(wrangler.no_bundle).toBe(true);
    expect(wrangler.find_additional_modules).toBe(true);
    expect(wrangler.build.command).toBe('npm run build:edge');
    expect(scripts['build:edge']).toBe('tsx scripts/edge/build.ts');
    // Data: an ArrayBuffer, gunzipped by the worker; CompiledWasm: a WebAssembly.Module (workerd compiles nothing at run time).
    expect(ruleFor(EDGE_MODULES.model)).toBe('Data');
    expect(ruleFor(EDGE_MODULES.wasm)).toBe('CompiledWasm');
  });

  it('runs on the compatibility date workerd is tested with, without the Node.js compatibility layer', () => {
    expect(wrangler.compatibility_date).toBe(COMPATIBILITY_DATE);
    expect(workerdConfig()).toContain(`compatibilityDate = "${COMPATIBILITY_DATE}"`);
    expect(wrangler.compatibility_flags ?? []).toEqual([]);
  });

  it('builds into a directory the npm package leaves out (the bundle and its 3 MB model are for Workers only)', () => {
    expect(path.relative(REPO_ROOT, DEFAULT_EDGE_DIR)).toBe(path.join('dist', 'edge-worker'));
    expect(pkg.files).toContain('!dist/edge-worker/');
  });

  it('sets only limits the app reads', () => {
    const known = new Set<string>(Object.values(LIMIT_ENV_VARS));
    expect(Object.keys(wrangler.vars ?? {}).filter((name) => !known.has(name))).toEqual([]);
  });

  it("deploys the edge worker's own limits, which fit a 128 MB isolate", () => {
    // The same values the worker falls back to, so a deploy and `npm run start:edge` behave alike.
    expect(resolveLimits({}, wrangler.vars)).toMatchObject(EDGE_LIMITS);
    expect(resolveLimits({}, edgeEnvironment({}))).toMatchObject(EDGE_LIMITS);
    // 35 bytes per pixel at a decode's peak (DECODE_BYTES_PER_PIXEL): one picture's decode stays under 40 MB.
    expect(EDGE_LIMITS.maxImagePixels * 35).toBeLessThan(40 * 1024 * 1024);
    expect(resolveLimits({}, edgeEnvironment({ MAX_FILES: '2' })).maxFiles).toBe(2);
  });
});

describe('workerdConfig', () => {
  it('declares the three modules with their types and passes bindings as text, quoted', () => {
    const config = workerdConfig({ MAX_FILES: '4', NOTE: 'say "hi"' });
    expect(config).toContain(`(name = "${EDGE_MODULES.main}", esModule = embed "${EDGE_MODULES.main}")`);
    expect(config).toContain(`(name = "${EDGE_MODULES.model}", data = embed "${EDGE_MODULES.model}")`);
    expect(config).toContain(`(name = "${EDGE_MODULES.wasm}", wasm = embed "${EDGE_MODULES.wasm}")`);
    expect(config).toContain('(name = "MAX_FILES", text = "4")');
    expect(config).toContain('(name = "NOTE", text = "say \\"hi\\"")');
  });

  it('refuses a binding name that is not an identifier', () => {
    expect(() => workerdConfig({ 'A B': '1' })).toThrow(/not an identifier/);
  });
});
