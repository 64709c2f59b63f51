import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import UPNG from 'upng-js';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/image/decode.js';
import { DEFAULT_IMAGE_LIMITS } from '../../src/image/limits.js';
import { writePng } from './png-writer.js';

/**
 * The two upng-js internals src/image patches (docs/IMAGES.md, "Decoding"), and the ones the patches call or are
 * called from. They are not in upng-js's API, so a new version may change them without notice: the version is
 * pinned in package.json, and this test fails when the installed code of any of them differs from the 2.1.0 these
 * patches were written against. On a failure, read the new code, check both patches against it, then update the
 * hashes (recipe: sha256 of the text from `UPNG.decode.<name> = function` to the next line starting `UPNG.`).
 */
const UPNG_VERSION = '2.1.0';
const PATCHED_INTERNALS: Readonly<Record<string, string>> = {
  // Calls _inflate (compressed data) and _readInterlace (interlace 1): where both patches take effect.
  _decompress: '821666ffc329c562e0e8536ae167f75db5b9302b502f067efff3c3bee6fc7912',
  // Replaced by src/image/bounded-inflate.ts (inflation capped at the size the header allows).
  _inflate: '40b43fc20d2cdacaa3bb8b680e0b535b2cfc54b0333709c9bcf6deaf82e6dece',
  // Replaced by src/image/upng-interlace-fix.ts (its 1-bit branch puts pixel col at bit col & 3).
  _readInterlace: '11336caae925dc2f942182e23cb23284909e065af71488b812ffa29a81f88a88',
  // Called by the replacement de-interlacer with the same arguments as the original.
  _getBPP: '6d63e4a67a910a9471ab1210f619b42c5884d64f508efbcade1ae4e73b29f03e',
  _filterZero: 'd38aac009fd0c94f70ff684419627e784d6a7dd2f211fcbe77d41207addeb7a3',
};

const UPNG_DIR = path.resolve('node_modules/upng-js');
const source = readFileSync(path.join(UPNG_DIR, 'UPNG.js'), 'utf8');

function internalSource(name: string): string {
  const start = source.indexOf(`UPNG.decode.${name} = function`);
  if (start < 0) return '';
  const end = source.indexOf('\nUPNG.', start + 1);
  return source.slice(start, end < 0 ? undefined : end).trimEnd();
}

describe('upng-js: the version and internals the two patches are written against', () => {
  it('is pinned to an exact version, the one installed', () => {
    const ours = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };
    const installed = JSON.parse(readFileSync(path.join(UPNG_DIR, 'package.json'), 'utf8')) as { version: string };
    expect(ours.dependencies['upng-js']).toBe(UPNG_VERSION);
    expect(installed.version).toBe(UPNG_VERSION);
  });

  it.each(Object.entries(PATCHED_INTERNALS))('has the 2.1.0 code of UPNG.decode.%s', (name, sha256) => {
    const text = internalSource(name);
    expect(text, `UPNG.decode.${name} is missing from upng-js`).not.toBe('');
    expect(createHash('sha256').update(text).digest('hex'), `UPNG.decode.${name} changed`).toBe(sha256);
  });

  it('runs both patches when a PNG is decoded: the capped inflate and the replacement de-interlacer', () => {
    const decode = UPNG.decode as unknown as Record<string, unknown>;
    const samples = Array.from({ length: 9 * 7 }, (_, k) => k % 2);
    decodeImage(
      writePng({ width: 9, height: 7, colorType: 0, bitDepth: 1, samples, interlace: true }),
      DEFAULT_IMAGE_LIMITS,
    );
    expect(decode['_boundedByMnistDigits']).toBe(true);
    expect(decode['_fixedByMnistDigits']).toBe(true);
    expect(String(decode['_inflate'])).not.toContain('pako["inflate"](data)');
    // The line of the 1-bit bug (bit col & 3 instead of col & 7) is in the original, not in what runs.
    expect(internalSource('_readInterlace')).toContain('(7-((col&3)<<0))');
    expect(String(decode['_readInterlace'])).not.toContain('col&3');
  });
});
