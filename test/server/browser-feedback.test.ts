import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/feedback/open-store.js';
import { saveModelFile } from '../../src/node/model-file.js';
import { startServer, type RunningServer } from '../../src/server/node/serve.js';
import { launchChromium, watchProblems } from '../helpers/chromium.js';
import { mnistPng, tinyModel } from './fixtures.js';

/**
 * The page's "wrong? the right digit is ..." control in a real browser against real servers (worker pool, a tiny
 * model, SQLite under a temporary DATA_DIR): one with corrections on (and a rate limit of 1 a minute, to see an
 * error), one with FEEDBACK=off. Uses Debian's /usr/bin/chromium and fails, never skips, without it.
 */

let dir: string;
let browser: Browser;
let on: RunningServer;
let off: RunningServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mnist-page-feedback-'));
  const modelPath = join(dir, 'tiny.json.gz');
  await saveModelFile(tinyModel(), modelPath);
  const common = { port: 0, host: '127.0.0.1', threads: 1, modelPath, log: () => undefined } as const;
  on = await startServer({ ...common, env: { DATA_DIR: dir, FEEDBACK_RATE_PER_MINUTE: '1' } });
  off = await startServer({ ...common, env: { FEEDBACK: 'off' } });
  await Promise.all([on.pool.whenReady(), off.pool.whenReady()]);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await on?.close();
  await off?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Uploads MNIST test digit `index` and returns its result's first digit item, once read. */
async function upload(page: Page, index: number) {
  await page
    .getByLabel('Choose images')
    .setInputFiles({ name: `digit-${index}.png`, mimeType: 'image/png', buffer: Buffer.from(mnistPng(index).png) });
  const item = page
    .getByRole('article', { name: `Result for digit-${index}.png` })
    .locator('.digits > li')
    .first();
  await item.locator('.digit').waitFor({ timeout: 20_000 });
  return item;
}

describe('the correction control', () => {
  it('sends the right digit to /v1/feedback, says thanks, and the store has it; an error answer is shown', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchProblems(page);
    await page.goto(on.url);
    const item = await upload(page, 0);
    const read = Number(await item.locator('.digit').textContent());
    const right = String((read + 1) % 10);
    const input = item.getByLabel('The right digit for digit 1');
    expect(await item.locator('.correction label').textContent()).toBe('Wrong? The right digit is ');
    // The digit the model read is no correction: said so, nothing sent.
    await input.fill(String(read));
    await item.getByRole('button', { name: 'Send' }).click();
    expect(await item.getByRole('status').textContent()).toBe('That is what the model read: nothing to correct.');
    await input.fill(right);
    await item.getByRole('button', { name: 'Send' }).click();
    await expect
      .poll(() => item.getByRole('status').textContent(), { timeout: 20_000 })
      .toBe(`Thanks: your correction (${right}) was saved for review.`);
    expect(await input.isDisabled()).toBe(true);

    const store = await openStore({ kind: 'sqlite', file: join(dir, 'feedback.sqlite') });
    const stored = await store.list();
    await store.close();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ status: 'pending', corrected: right, filename: 'digit-1.png' });

    // The second correction within the minute is over the rate limit: the server's message shows, as an error.
    const again = await upload(page, 1);
    await again.getByLabel('The right digit for digit 1').fill(right);
    await again.getByRole('button', { name: 'Send' }).click();
    const status = again.getByRole('status');
    await expect
      .poll(() => status.textContent(), { timeout: 20_000 })
      .toMatch(/^too many corrections from this client/);
    expect(await status.getAttribute('class')).toBe('correction-status error');
    expect(await again.getByRole('button', { name: 'Send' }).isDisabled()).toBe(false);
    // The 429 is the one failed request the test caused on purpose.
    expect(problems.filter((p) => !p.includes('429'))).toEqual([]);
    await page.close();
  });

  it('is not on the page when FEEDBACK=off', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(off.url);
    const item = await upload(page, 0);
    expect(await item.locator('.confidence').count()).toBe(1);
    expect(await page.locator('.correction').count()).toBe(0);
    expect(await page.locator('body').getAttribute('data-feedback')).toBe('off');
    await page.close();
  });
});
