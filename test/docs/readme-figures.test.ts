/**
 * The README's headline table is generated, not typed: every row must match bench/figures.json (written by
 * `npm run bench:report`), and the figures the model file holds must match the model file itself. A figure edited
 * by hand, or a model retrained without re-running the report, fails here.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { FiguresFile } from '../../bench/report.js';
import { decodeBinaryModel } from '../../src/ml/model-binary.js';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const README = readFileSync(path.join(REPO, 'README.md'), 'utf8');
const { figures } = JSON.parse(readFileSync(path.join(REPO, 'bench', 'figures.json'), 'utf8')) as FiguresFile;
const MODEL_FILE = path.join(REPO, 'model', 'model.bin');
const model = decodeBinaryModel(readFileSync(MODEL_FILE));

interface Row {
  label: string;
  value: string;
  command: string;
  measured: string;
}

/** The rows of the table under the README's "Headline figures" heading. */
function headlineRows(readme: string): Row[] {
  const section = readme.split(/^## /m).find((s) => s.startsWith('Headline figures'));
  if (section === undefined) throw new Error('README.md has no "## Headline figures" section');
  const lines = section.split('\n').filter((l) => l.startsWith('|'));
  return lines.slice(2).map((line) => {
    const [label = '', value = '', command = '', measured = ''] = line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim());
    return { label, value, command, measured };
  });
}

const rows = headlineRows(README);
const figure = (key: string) => {
  const f = figures[key];
  if (f === undefined) throw new Error(`bench/figures.json has no "${key}"`);
  return f;
};

describe("the README's headline figures", () => {
  it('has one row per figure of bench/figures.json, and no other', () => {
    expect(rows.map((r) => r.label).sort()).toEqual(
      Object.values(figures)
        .map((f) => f.label)
        .sort(),
    );
  });

  for (const [key, f] of Object.entries(figures)) {
    it(`prints ${key} as bench/figures.json has it, with its command, date and machine`, () => {
      const row = rows.find((r) => r.label === f.label);
      expect(row, `no README row "${f.label}"`).toBeDefined();
      expect(row?.value).toBe(f.display);
      expect(row?.command).toBe(`\`${f.command}\``);
      expect(row?.measured).toBe(`${f.date}, ${f.machine}`);
      expect(f.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    });
  }
});

describe("the README's prose", () => {
  it('quotes the test accuracy of the model file in its opening paragraph', () => {
    const quoted = [...README.matchAll(/scores \*\*([\d.]+%)\*\* on the 10,000/g)].map((m) => m[1]);
    expect(quoted).toEqual([figure('testAccuracy').display]);
  });

  // A newcomer copies these commands as they are: a file they name must be in the repository.
  it('names only files the repository has in its shell examples', () => {
    const shell = [...README.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] as string).join('\n');
    const commands = shell.split('\n').filter((line) => !line.startsWith('#'));
    const named = commands.flatMap((line) => [
      ...[...line.matchAll(/@([\w./-]+)/g)].map((m) => m[1] as string),
      ...[...line.matchAll(/main\.js (?:predict|read) ([^#]*)/g)].flatMap((m) =>
        (m[1] as string).split(/\s+/).filter((word) => word !== '' && !word.startsWith('-')),
      ),
    ]);
    expect(named).toContain('images_test/number_1987.png');
    expect(named.filter((file) => !existsSync(path.join(REPO, file)))).toEqual([]);
  });

  it("quotes the shipped model file's SHA-256 in its example answers", () => {
    const sha256 = createHash('sha256').update(readFileSync(MODEL_FILE)).digest('hex');
    const quoted = [...README.matchAll(/"sha256":"([0-9a-f]+)\.\.\."/g)].map((m) => m[1] as string);
    expect(quoted.length).toBeGreaterThan(0);
    for (const prefix of quoted) expect(sha256.startsWith(prefix)).toBe(true);
  });
});

describe('bench/figures.json against the model file', () => {
  it('counts the support vectors the model file stores', () => {
    const f = figure('supportVectors');
    const first = model.supportVectorCount;
    const second = model.secondStage?.slots.length ?? 0;
    expect(f.value).toEqual({ firstStage: first, secondStage: second });
    expect(f.display).toBe(`${first.toLocaleString('en-US')} + ${second.toLocaleString('en-US')} as slots`);
  });

  it('gives the test accuracy the model file and its card record', () => {
    const f = figure('testAccuracy');
    const accuracy = model.evaluation?.accuracy;
    const shown = `${(100 * (accuracy ?? Number.NaN)).toFixed(2)}%`;
    expect(f.value).toBe(accuracy);
    expect(f.display).toBe(shown);
    const card = readFileSync(path.join(REPO, 'model', 'MODEL_CARD.md'), 'utf8');
    expect(card).toContain(`| Test accuracy (MNIST t10k, 10,000 images) | **${shown}** |`);
  });

  it('gives the size of the model file', () => {
    const f = figure('modelFile');
    const bytes = statSync(MODEL_FILE).size;
    expect(f.value).toBe(bytes);
    const gzipped = gzipSync(readFileSync(MODEL_FILE), { level: 9 }).length;
    expect(f.display).toBe(`${(bytes / 1e6).toFixed(1)} MB (${(gzipped / 1e6).toFixed(1)} MB gzipped)`);
  });
});
