import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/image/decode.js';
import { ImageError } from '../../src/image/errors.js';
import { checkJpegStructure, MAX_JPEG_BLOCK_VISITS_PER_BLOCK, MAX_JPEG_SCANS } from '../../src/image/jpeg-structure.js';
import { DEFAULT_IMAGE_LIMITS } from '../../src/image/limits.js';
import { manyScanJpeg, multiFrameJpeg } from '../helpers/hostile-images.js';
import { jpegFixture } from './jpeg-fixtures.js';

function refusal(run: () => unknown): { code: string; message: string } | 'accepted' {
  try {
    run();
    return 'accepted';
  } catch (err) {
    if (!(err instanceof ImageError)) throw err;
    return { code: err.code, message: err.message };
  }
}

describe('checkJpegStructure', () => {
  it('accepts real progressive and baseline files (libjpeg-turbo fixtures), counting their scans', () => {
    // libjpeg's standard progression: 10 scans for colour, 6 for greyscale; a baseline file has one.
    expect(checkJpegStructure(jpegFixture('progressive'))).toMatchObject({ frames: 1, scans: 10 });
    expect(checkJpegStructure(jpegFixture('progressiveGray'))).toMatchObject({ frames: 1, scans: 6 });
    expect(checkJpegStructure(jpegFixture('baselineGray'))).toMatchObject({ frames: 1, scans: 1 });
  });

  it('counts block visits per scan from the frame header: 16 single-component scans are exactly at the bound', () => {
    const atBound = manyScanJpeg({ width: 64, height: 48, scans: MAX_JPEG_BLOCK_VISITS_PER_BLOCK });
    expect(checkJpegStructure(atBound)).toEqual({ frames: 1, scans: 16, blockVisits: 16 * 48, frameBlocks: 48 });
    const over = manyScanJpeg({ width: 64, height: 48, scans: MAX_JPEG_BLOCK_VISITS_PER_BLOCK + 1 });
    expect(refusal(() => checkJpegStructure(over))).toMatchObject({
      code: 'IMAGE_TOO_COMPLEX',
      message: /revisit every block more than 16 times/,
    });
  });

  it('refuses the 2,000-scan progressive JPEG that held a worker for a minute, before decoding a block', () => {
    const hostile = manyScanJpeg({ width: 4000, height: 3000, scans: 2000 });
    expect(hostile.length).toBeLessThan(100_000);
    // The marker walk refuses it at the 17th scan (16 visits of every block), before jpeg-js sees it.
    expect(refusal(() => checkJpegStructure(hostile))).toMatchObject({ code: 'IMAGE_TOO_COMPLEX' });
    expect(refusal(() => decodeImage(hostile, DEFAULT_IMAGE_LIMITS))).toMatchObject({
      code: 'IMAGE_TOO_COMPLEX',
      message: /baseline \(non-progressive\) JPEG or a PNG/,
    });
  });

  it('refuses more than MAX_JPEG_SCANS scans, whatever the blocks they visit', () => {
    expect(MAX_JPEG_SCANS).toBe(64);
    // Scans naming a component the frame does not have visit no known block; only the count can stop them.
    const tooMany = manyScanJpeg({ width: 8, height: 8, scans: 65, componentId: 9 });
    expect(refusal(() => checkJpegStructure(tooMany))).toMatchObject({
      code: 'IMAGE_TOO_COMPLEX',
      message: /more than 64 scans/,
    });
    const atLimit = manyScanJpeg({ width: 8, height: 8, scans: 64, componentId: 9 });
    expect(checkJpegStructure(atLimit).scans).toBe(64);
  });

  it('refuses a second frame header (CORRUPT_IMAGE) instead of allocating planes for each', () => {
    const twoFrames = multiFrameJpeg({ width: 6000, height: 2000, frames: 2 });
    expect(refusal(() => decodeImage(twoFrames, DEFAULT_IMAGE_LIMITS))).toMatchObject({
      code: 'CORRUPT_IMAGE',
      message: /more than one frame header/,
    });
  });
});
