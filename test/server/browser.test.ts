import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import jpeg from 'jpeg-js';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePng, imageToDigitInput } from '../../src/image/index.js';
import { decodeImage } from '../../src/image/decode.js';
import { readJpegHeader } from '../../src/image/jpeg-header.js';
import { resolveImageLimits } from '../../src/image/limits.js';
import type { SvmModel } from '../../src/ml/model.js';
import { predict } from '../../src/ml/predict.js';
import { DEFAULT_MODEL_PATH, loadModelFile } from '../../src/node/model-file.js';
import { startServer, type RunningServer } from '../../src/server/node/serve.js';
import type { ReadResponse } from '../../src/server/schemas.js';
import { launchChromium, watchProblems } from '../helpers/chromium.js';
import { numberPicture, type NumberPicture } from '../helpers/numbers.js';
import { mnistPng } from './fixtures.js';

/**
 * The page in a real browser against a real server (worker pool included, shipped model) on a random loopback
 * port, on a desktop (1280x900) and a phone (390x844) viewport. Uses Debian's /usr/bin/chromium; if it is missing
 * this test FAILS (CI installs it), it never skips.
 */

const VIEWPORTS = [
  { name: 'desktop', viewport: { width: 1280, height: 900 }, isMobile: false },
  { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true },
] as const;

let server: RunningServer;
let browser: Browser;
let model: SvmModel;
let number: NumberPicture;

/** The first `count` MNIST test digits the model reads right on their own, skipping 1s (thin, easy to merge). */
function readableDigits(count: number): number[] {
  const found: number[] = [];
  for (let i = 0; found.length < count; i++) {
    const { png, label } = mnistPng(i);
    if (label !== 1 && predict(model, imageToDigitInput(png).pixels).digit === label) found.push(i);
  }
  return found;
}

beforeAll(async () => {
  if (!existsSync(DEFAULT_MODEL_PATH))
    throw new Error(`the browser tests need the shipped model at ${DEFAULT_MODEL_PATH}`);
  model = (await loadModelFile()).model;
  number = numberPicture(readableDigits(4), { gap: 16 });
  server = await startServer({ port: 0, host: '127.0.0.1', threads: 1, env: {}, log: () => undefined });
  await server.pool.whenReady();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Whether the element is fully inside the viewport as the page left it (no scrolling by the test). */
function inView(locator: Locator): Promise<boolean> {
  return locator.evaluate((node) => {
    const rect = node.getBoundingClientRect();
    return rect.top >= 0 && rect.bottom <= window.innerHeight && rect.height > 0;
  });
}

/** Draws a stroke through `points` given as fractions of the drawing area. */
async function stroke(page: Page, points: readonly (readonly [number, number])[]): Promise<void> {
  const box = (await page.locator('#pad').boundingBox())!;
  const at = ([x, y]: readonly [number, number]) => [box.x + box.width * x, box.y + box.height * y] as const;
  await page.mouse.move(...at(points[0]!));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 12 });
  await page.mouse.up();
}

const choose = (page: Page) => page.getByLabel('Choose images');

describe.each(VIEWPORTS)('the page in Chromium, $name', ({ viewport, isMobile }) => {
  type Reading = ReadResponse['readings'][number];

  /** Answers the page's next /v1/read with this one reading (28 px high, nothing skipped) and returns its card. */
  async function showReading(
    page: Page,
    reading: Pick<Reading, 'filename' | 'text' | 'confidence' | 'digits' | 'width'>,
  ): Promise<Locator> {
    const answer: ReadResponse = {
      model: { format: 2, sha256: null, trainedAt: '2026-01-01T00:00:00.000Z' },
      readings: [{ ...reading, skipped: [], height: 28, ms: 1 }],
    };
    await page.route('**/v1/read*', (route) => route.fulfill({ json: answer }));
    const png = Buffer.from(mnistPng(0).png);
    await choose(page).setInputFiles({ name: reading.filename, mimeType: 'image/png', buffer: png });
    const card = page.getByRole('article', { name: `Result for ${reading.filename}` });
    await card.waitFor({ timeout: 20_000 });
    return card;
  }

  async function openPage(url = '/'): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport, isMobile });
    const problems = watchProblems(page);
    await page.goto(`${server.url}${url}`);
    return { page, problems };
  }

  it('reads an uploaded number: the whole reading, a box per digit, each digit with confidence, runner-up and 28x28, in view', async () => {
    const { page, problems } = await openPage();
    await choose(page).setInputFiles({ name: 'number.png', mimeType: 'image/png', buffer: Buffer.from(number.png) });
    const card = page.getByRole('article', { name: 'Result for number.png' });
    await card.locator('.reading .text').waitFor({ timeout: 20_000 });
    expect(await card.locator('.reading .text').textContent()).toBe(number.text);
    expect(await card.locator('.reading .confidence').textContent()).toMatch(/^Confidence \d{1,2}\.\d+%$/);
    expect(await inView(card.locator('.reading'))).toBe(true);
    // One box per digit over the picture, labelled with its digit, left to right.
    expect(await card.locator('.shown .digit-box span').allTextContents()).toEqual([...number.text]);
    const lefts = await card
      .locator('.shown .digit-box')
      .evaluateAll((boxes) => boxes.map((b) => b.getBoundingClientRect().left));
    expect(lefts).toEqual([...lefts].sort((a, b) => a - b));
    expect(await card.locator('figcaption').first().textContent()).toBe('Your picture, a box around each digit');
    const digits = card.getByRole('list', { name: 'Digits, left to right' }).locator(':scope > li');
    expect(await digits.count()).toBe(number.text.length);
    for (let i = 0; i < number.text.length; i++) {
      const item = digits.nth(i);
      expect(await item.locator('.digit').textContent()).toBe(number.text[i]);
      expect(await item.locator('.confidence').textContent()).toMatch(/^Confidence \d{1,3}\.\d+%$/);
      expect(await item.locator('.runner-up').textContent()).toMatch(/^Runner-up [0-9] \((<0\.1|\d{1,2}\.\d+)%\)$/);
      expect(await item.locator('img').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
      expect(await item.locator('figcaption').textContent()).toBe('28×28 read');
    }
    expect(await page.locator('#status').textContent()).toBe('1 of 1 image read.');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('reads a number written on the drawing area, boxes each digit on it, and shows the reading in view', async () => {
    const { page, problems } = await openPage();
    await stroke(page, [
      [0.3, 0.2],
      [0.3, 0.8],
    ]);
    await stroke(page, [
      [0.6, 0.2],
      [0.6, 0.8],
    ]);
    const reading = page.locator('#draw-result .reading .text');
    await expect.poll(() => reading.textContent(), { timeout: 20_000 }).toBe('11');
    expect(await page.locator('#draw-result h3').textContent()).toBe('drawing.png');
    expect(await page.locator('.shown .digit-box').count()).toBe(2);
    expect(await inView(page.locator('#draw-result .reading'))).toBe(true);
    await page.getByRole('button', { name: 'Clear drawing' }).click();
    expect(await page.locator('#draw-result').textContent()).toBe('');
    expect(await page.locator('.shown .digit-box').count()).toBe(0);
    // A reading still in flight when the next stroke starts is aborted on purpose: that is not a problem.
    expect(problems.filter((p) => !p.startsWith('requestfailed'))).toEqual([]);
    await page.close();
  });

  it('answers an uploaded dot "no digit" with a hint, not a confident digit', async () => {
    const { page } = await openPage();
    const dot = new Uint8Array(200 * 200).fill(255);
    for (let y = 96; y < 104; y++) for (let x = 96; x < 104; x++) dot[y * 200 + x] = 0;
    await choose(page).setInputFiles({
      name: 'dot.png',
      mimeType: 'image/png',
      buffer: Buffer.from(encodePng(dot, 200, 200, 1)),
    });
    await page.locator('#status').filter({ hasText: '0 of 1 image read' }).waitFor({ timeout: 20_000 });
    const card = page.getByRole('article', { name: 'Result for dot.png' });
    expect(await card.locator('.reading').count()).toBe(0);
    expect(await card.locator('.error').textContent()).toMatch(/no digit/i);
    expect(await card.locator('.hint').textContent()).toMatch(/^No digit here/);
    expect(await inView(card.locator('.error'))).toBe(true);
    await page.close();
  });

  it('clears the previous cards when a later upload fails (a TIFF, which neither reads), and says what to do', async () => {
    const { page } = await openPage();
    await choose(page).setInputFiles({ name: 'number.png', mimeType: 'image/png', buffer: Buffer.from(number.png) });
    await page.locator('#results .reading').waitFor({ timeout: 20_000 });
    // A little-endian TIFF header and nothing a decoder could use: Chromium shows no TIFF, the API takes none.
    const tiff = Buffer.from([0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00]);
    await choose(page).setInputFiles({ name: 'scan.tif', mimeType: 'image/tiff', buffer: tiff });
    await page.locator('#status').filter({ hasText: '0 of 1 image read' }).waitFor({ timeout: 20_000 });
    expect(await page.locator('#results article').count()).toBe(1);
    const card = page.getByRole('article', { name: 'Result for scan.tif' });
    expect(await card.locator('.hint').textContent()).toMatch(/PNG or JPEG/);
    expect(await inView(card.locator('.error'))).toBe(true);
    await page.close();
  });

  it('shows a near-certainty as 99.9993%, never 100.0%, and explains the scores with a legend', async () => {
    const { page } = await openPage();
    const card = await showReading(page, {
      filename: 'sure.png',
      text: '7',
      confidence: 0.999993,
      digits: [
        {
          digit: 7,
          confidence: 0.999993,
          scores: [-2, -2, -2, -2, -2, -2, -2, 4.5, -2, -1],
          runnerUp: { digit: 9, confidence: 0.000004 },
          box: { x: 2, y: 2, width: 20, height: 24 },
        },
      ],
      width: 28,
    });
    expect(await card.locator('.reading .confidence').textContent()).toBe('Confidence 99.9993%');
    expect(await card.locator('.reading .unsure').count()).toBe(0);
    expect(await card.locator('.runner-up').textContent()).toBe('Runner-up 9 (<0.1%)');
    await card.locator('summary', { hasText: 'Scores' }).click();
    expect(await card.locator('.legend').textContent()).toMatch(/classifier score.*higher is more likely/);
    expect(await card.locator('.bars li').count()).toBe(10);
    await page.close();
  });

  it('flags a reading the reader is not sure of, even when each digit is', async () => {
    const { page } = await openPage();
    const digit = (d: number, x: number) => ({
      digit: d,
      confidence: 0.99,
      scores: [-2, -2, -2, -2, -2, -2, -2, -2, -2, -2].map((s, k) => (k === d ? 3 : s)),
      runnerUp: { digit: d === 0 ? 1 : 0, confidence: 0.005 },
      box: { x, y: 2, width: 20, height: 24 },
    });
    // Two digits parted through their strokes: each one sure, the reading much less.
    const card = await showReading(page, {
      filename: 'pair.png',
      text: '16',
      confidence: 0.62,
      digits: [digit(1, 2), digit(6, 14)],
      width: 40,
    });
    expect(await card.locator('.reading .confidence').textContent()).toBe('Confidence 62.0%');
    expect(await card.locator('.reading .unsure').textContent()).toMatch(/not sure of this reading/i);
    await page.close();
  });

  it('shows a file name as text, never as markup', async () => {
    const { page, problems } = await openPage();
    const name = '<img src=x onerror=alert(1)>.png';
    await choose(page).setInputFiles({ name, mimeType: 'image/png', buffer: Buffer.from(number.png) });
    const card = page.locator('#results article.result');
    await card.locator('h3').waitFor({ timeout: 20_000 });
    expect(await card.locator('h3').textContent()).toBe(name);
    expect(await card.locator('h3 img').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('renders /docs as a readable reference that fits the screen', async () => {
    const { page, problems } = await openPage('/docs');
    const text = (await page.locator('body').textContent()) ?? '';
    expect(text).not.toContain('`');
    expect(text).toContain('POST /v1/read');
    const readSection = page.locator('section', { has: page.locator('h2', { hasText: 'POST /v1/read' }) });
    expect(await readSection.locator('td code').allTextContents()).toEqual(
      expect.arrayContaining(['include', 'filename']),
    );
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      screen: window.innerWidth,
    }));
    expect(widths.page).toBeLessThanOrEqual(widths.screen);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('fits the page itself to the screen', async () => {
    const { page } = await openPage();
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      screen: window.innerWidth,
    }));
    expect(widths.page).toBeLessThanOrEqual(widths.screen);
    // The drawing area is wide enough to write a number: at least twice as wide as high.
    const pad = (await page.locator('#pad').boundingBox())!;
    expect(pad.width).toBeGreaterThanOrEqual(2 * pad.height);
    await page.close();
  });
});

// Kept from the single-digit page: a sample photo is still read, now as a one-digit number.
describe('the page reads the shipped sample photos', () => {
  it('reads images_test_2 as "2"', async () => {
    const file = path.resolve('images_test/images_test_2.jpg');
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await choose(page).setInputFiles({ name: 'two.jpg', mimeType: 'image/jpeg', buffer: await readFile(file) });
    const text = page.locator('#results .reading .text');
    await text.waitFor({ timeout: 20_000 });
    expect(await text.textContent()).toBe('2');
    await page.close();
  });
});

describe('the page sends each picture as the reader reads it best', () => {
  /** The file part of a multipart body: from the first JPEG or PNG signature to the closing boundary. */
  function sentFile(body: Buffer): Buffer {
    const jpegAt = body.indexOf(Buffer.from([0xff, 0xd8, 0xff]));
    const pngAt = body.indexOf(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    const start = jpegAt !== -1 && (pngAt === -1 || jpegAt < pngAt) ? jpegAt : pngAt;
    const end = body.lastIndexOf(Buffer.from('\r\n--'));
    return body.subarray(start, end);
  }

  /** Uploads one file and returns the reading's text and the bytes of the file the page sent. */
  async function upload(name: string, mimeType: string, buffer: Buffer): Promise<{ text: string; sent: Buffer }> {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    let sent: Buffer = Buffer.alloc(0);
    await page.route('**/v1/read*', (route) => {
      sent = sentFile(route.request().postDataBuffer() ?? Buffer.alloc(0));
      return route.continue();
    });
    await choose(page).setInputFiles({ name, mimeType, buffer });
    const card = page.getByRole('article', { name: `Result for ${name}` });
    await card.locator('.reading .text').waitFor({ timeout: 30_000 });
    const text = (await card.locator('.reading .text').textContent()) ?? '';
    expect(await card.locator('.shown .digit-box').count()).toBe(text.length);
    await page.close();
    return { text, sent };
  }

  it('sends a JPEG wider than the reader works at as a 1024-pixel JPEG, and reads the same number', async () => {
    // A 3,920 x 1,760 photo of a number (6.9 megapixels): each digit 560 px high.
    const big = numberPicture(readableDigits(4), { scale: 20, gap: 160, margin: 600 });
    const { rgba } = decodeImage(big.png, resolveImageLimits({}));
    const photo = Buffer.from(jpeg.encode({ data: rgba, width: big.width, height: big.height }, 90).data);
    const { text, sent } = await upload('photo.jpg', 'image/jpeg', photo);
    expect(text).toBe(big.text);
    const header = readJpegHeader(new Uint8Array(sent));
    expect([header.width, header.height]).toEqual([1024, Math.round((big.height * 1024) / big.width)]);
    expect(sent.length).toBeLessThan(photo.length / 4);
  });

  it('sends a picture the API does not take but the browser shows (WebP) as a PNG of it, and reads it', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    // Chromium encodes the number as a lossless WebP, which the API refuses (UNSUPPORTED_FORMAT).
    const webp = Buffer.from(
      await page.evaluate(async (png) => {
        const bitmap = await createImageBitmap(new Blob([new Uint8Array(png)], { type: 'image/png' }));
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
        const blob = await canvas.convertToBlob({ type: 'image/webp', quality: 1 });
        return Array.from(new Uint8Array(await blob.arrayBuffer()));
      }, Array.from(number.png)),
    );
    await page.close();
    expect(webp.subarray(8, 12).toString('latin1')).toBe('WEBP');
    const { text, sent } = await upload('number.webp', 'image/webp', webp);
    expect(text).toBe(number.text);
    expect(sent.subarray(1, 4).toString('latin1')).toBe('PNG');
    const { width, height } = decodeImage(new Uint8Array(sent), resolveImageLimits({}));
    expect([width, height]).toEqual([number.width, number.height]);
  });

  it('sends a PNG and a small JPEG as they are', async () => {
    const wide = numberPicture(readableDigits(4), { scale: 12, gap: 40, margin: 40 }); // 1,544 px wide
    expect(wide.width).toBeGreaterThan(1024);
    const png = await upload('wide.png', 'image/png', Buffer.from(wide.png));
    expect(png.text).toBe(wide.text);
    expect(png.sent.equals(Buffer.from(wide.png))).toBe(true);
    const small = await readFile(path.resolve('images_test/images_test_2.jpg'));
    expect((await upload('two.jpg', 'image/jpeg', small)).sent.equals(small)).toBe(true);
  });
});
