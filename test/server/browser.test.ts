import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, watchProblems } from '../helpers/chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePng, imageToDigitInput } from '../../src/image/index.js';
import { predict } from '../../src/ml/predict.js';
import { DEFAULT_MODEL_PATH } from '../../src/node/model-file.js';
import { startServer, type RunningServer } from '../../src/server/node/serve.js';
import { mnistPng, tinyModel } from './fixtures.js';

/**
 * The page in a real browser against a real server (worker pool included) on a random loopback port.
 * Uses Debian's /usr/bin/chromium; if it is missing this test FAILS (CI installs it), it never skips.
 * With the shipped model and sample images present it uploads images_test_2.*; before they exist it uses the
 * tiny nearest-mean model and an MNIST image that model reads correctly.
 */

const SAMPLES_DIR = path.resolve('images_test');

let server: RunningServer;
let browser: Browser;
let tmp: string;
let upload: { file: string; digit: number };

function shippedSample(): { file: string; digit: number } | undefined {
  if (!existsSync(DEFAULT_MODEL_PATH) || !existsSync(SAMPLES_DIR)) return undefined;
  const name = readdirSync(SAMPLES_DIR).find((f) => /^images_test_2\.(png|jpe?g)$/i.test(f));
  return name ? { file: path.join(SAMPLES_DIR, name), digit: 2 } : undefined;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'browser-'));
  const sample = shippedSample();
  if (sample) {
    upload = sample;
    server = await startServer({
      port: 0,
      host: '127.0.0.1',
      threads: 1,
      modelPath: DEFAULT_MODEL_PATH,
      env: {},
      log: () => undefined,
    });
  } else {
    const model = tinyModel();
    let index = 0;
    for (; index < 100; index++) {
      const { png, label } = mnistPng(index);
      if (predict(model, imageToDigitInput(png).pixels).digit === label && label !== 1) break;
    }
    const { png, label } = mnistPng(index);
    const file = path.join(tmp, `mnist_${label}.png`);
    await writeFile(file, png);
    upload = { file, digit: label };
    server = await startServer({
      port: 0,
      host: '127.0.0.1',
      threads: 1,
      modelSource: { kind: 'value', model, sha256: null },
      env: {},
      log: () => undefined,
    });
  }
  await server.pool.whenReady();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

async function openPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems = watchProblems(page);
  await page.goto(`${server.url}/`);
  return { page, problems };
}

describe('the page in Chromium', () => {
  it('uploads a sample image and shows the right digit, its scores and the 28x28 input', async () => {
    const { page, problems } = await openPage();
    await page.getByLabel('Choose PNG or JPEG images').setInputFiles(upload.file);
    const card = page.locator('#results article.result');
    await card.waitFor({ timeout: 20_000 });
    expect(await card.locator('.digit').textContent()).toBe(String(upload.digit));
    expect(await card.locator('h3').textContent()).toBe(path.basename(upload.file));
    expect(await card.locator('.bars li').count()).toBe(10);
    expect(await card.locator('img[alt^="The 28 by 28"]').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    expect(await page.locator('#status').textContent()).toBe('1 of 1 image read.');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows every uploaded picture, also when the answer is an error, with a hint that says what to try', async () => {
    const { page, problems } = await openPage();
    const blank = Buffer.from(encodePng(new Uint8Array(40 * 30).fill(255), 40, 30, 1));
    await page.getByLabel('Choose PNG or JPEG images').setInputFiles([
      {
        name: path.basename(upload.file),
        mimeType: upload.file.endsWith('.png') ? 'image/png' : 'image/jpeg',
        buffer: await readFile(upload.file),
      },
      { name: 'blank.png', mimeType: 'image/png', buffer: blank },
      { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not a picture at all') },
    ]);
    await page.locator('#status').filter({ hasText: 'of 3 images read' }).waitFor({ timeout: 20_000 });
    expect(await page.locator('#status').textContent()).toBe('1 of 3 images read.');
    const card = (name: string) => page.getByRole('article', { name: `Result for ${name}` });

    const read = card(path.basename(upload.file));
    expect(await read.locator('img.source').getAttribute('src')).toMatch(/^blob:/);
    expect(await read.locator('img[alt^="The 28 by 28"]').count()).toBe(1);

    // Refused as "no digit found": the picture is shown as the user sent it (it loads: 40x30), no 28x28, a hint.
    const blankCard = card('blank.png');
    const shown = blankCard.locator('img.source');
    await expect.poll(() => shown.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(40);
    expect(await blankCard.locator('img[alt^="The 28 by 28"]').count()).toBe(0);
    expect(await blankCard.locator('.error').textContent()).toMatch(/no digit found/);
    expect(await blankCard.locator('.hint').textContent()).toMatch(
      /^Try a picture of one digit that fills most of the frame/,
    );

    // Not an image: the browser cannot show it either, and says so instead of a broken picture.
    const junk = card('notes.png');
    await junk.locator('.source-missing').waitFor({ timeout: 5_000 });
    expect(await junk.locator('img').count()).toBe(0);
    expect(await junk.locator('.hint').textContent()).toMatch(/PNG or JPEG/);
    // The only complaints are Chromium logging the two refusals (422 no digit, 415 not an image) it was sent.
    expect(problems.map((p) => /status of (\d{3})/.exec(p)?.[1] ?? p).sort()).toEqual(['415', '422']);
    await page.close();
  });

  it('shows a file name as text, never as markup', async () => {
    const { page, problems } = await openPage();
    const name = '<img src=x onerror=alert(1)>.png';
    await page
      .getByLabel('Choose PNG or JPEG images')
      .setInputFiles({ name, mimeType: 'image/png', buffer: Buffer.from(mnistPng(0).png) });
    const card = page.locator('#results article.result');
    await card.waitFor({ timeout: 20_000 });
    expect(await card.locator('h3').textContent()).toBe(name);
    expect(await card.locator('h3 img').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('predicts while drawing: mouse strokes forming a 1 give a prediction', async () => {
    const { page, problems } = await openPage();
    const pad = page.locator('#pad');
    const box = (await pad.boundingBox())!;
    const x = box.x + box.width * 0.5;
    await page.mouse.move(x - 25, box.y + box.height * 0.3);
    await page.mouse.down();
    await page.mouse.move(x, box.y + box.height * 0.15, { steps: 5 });
    await page.mouse.move(x, box.y + box.height * 0.85, { steps: 20 });
    await page.mouse.up();
    const digit = page.locator('#draw-result .digit');
    await digit.waitFor({ timeout: 20_000 });
    expect(await digit.textContent()).toBe('1');
    expect(await page.locator('#draw-result h3').textContent()).toBe('drawing.png');
    await page.getByRole('button', { name: 'Clear drawing' }).click();
    expect(await page.locator('#draw-result').textContent()).toBe('');
    expect(problems).toEqual([]);
    await page.close();
  });
});
