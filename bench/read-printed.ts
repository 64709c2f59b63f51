/**
 * Printed numbers and words for bench/read.ts, drawn by Chromium on a canvas (as bench/printed-digits.ts draws
 * digits: Debian's chromium through the playwright-core dev dependency, no new dependency). The typefaces are ones
 * the printed-digit training set does not use (data/font-digits/README.md).
 */
import { launchChromium } from '../test/helpers/chromium.js';

/** One string to draw. */
export interface TextJob {
  readonly text: string;
  readonly face: string;
  readonly style: string;
  readonly size: number;
  /** Dark ink on light paper, or the reverse. */
  readonly dark: boolean;
}

/**
 * Draws each string on its own canvas with a margin of about one cap height and returns PNG data URLs. Runs in the
 * page (playwright's `page.evaluate`), so it uses nothing outside its own body.
 */
function drawTexts(list: readonly TextJob[]): string[] {
  return list.map(({ text, face, style, size, dark }) => {
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d')!;
    const font = `${style === 'bold' ? 'bold ' : style === 'italic' ? 'italic ' : ''}${size}px "${face}"`;
    ctx.font = font;
    const width = Math.ceil(ctx.measureText(text).width + size * 1.2);
    canvas.width = width;
    canvas.height = Math.ceil(size * 1.8);
    ctx.fillStyle = dark ? '#fff' : '#000';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = dark ? '#000' : '#fff';
    ctx.font = font;
    ctx.textBaseline = 'middle';
    ctx.fillText(text, size * 0.6, canvas.height / 2);
    return canvas.toDataURL('image/png');
  });
}

/**
 * Renders the strings as PNG files.
 * @param jobs what to draw
 * @returns one PNG per job
 */
export async function renderTexts(jobs: readonly TextJob[]): Promise<Uint8Array[]> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const urls = await page.evaluate(drawTexts, jobs);
    return urls.map((url) => new Uint8Array(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64')));
  } finally {
    await browser.close();
  }
}
