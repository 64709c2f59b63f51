import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeBase64 } from '../../src/ml/base64.js';
import { createApp } from '../../src/server/app.js';
import type { Predictor } from '../../src/server/predictor.js';
import { decodeImageData, MAX_FILENAME_LENGTH, uniqueKeys } from '../../src/server/uploads.js';
import { fakePredictor } from './fixtures.js';
import { expectError, fakeImage, formWith } from './helpers.js';

describe('uniqueKeys', () => {
  it('keeps the first name and suffixes repeats', () => {
    expect(uniqueKeys(['a.png', 'b.png', 'a.png', 'a.png'])).toEqual(['a.png', 'b.png', 'a.png (2)', 'a.png (3)']);
  });

  it('skips a suffix that is already a real file name', () => {
    expect(uniqueKeys(['a (2)', 'a', 'a'])).toEqual(['a (2)', 'a', 'a (3)']);
  });

  it('always gives distinct keys, one per name, and leaves distinct names alone', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'a (2)', 'c.png'), { maxLength: 20 }), (names) => {
        const keys = uniqueKeys(names);
        expect(keys).toHaveLength(names.length);
        expect(new Set(keys).size).toBe(keys.length);
        keys.forEach((key, i) => expect(key.startsWith(names[i]!)).toBe(true));
        if (new Set(names).size === names.length) expect(keys).toEqual(names);
      }),
    );
  });
});

describe('decodeImageData', () => {
  it('accepts a data: URL prefix and whitespace, rejects non-base64 and missing padding', () => {
    expect(decodeImageData('data:image/png;base64,AQID\n')).toEqual(Uint8Array.of(1, 2, 3));
    expect(decodeImageData(' AQ\n== ')).toEqual(Uint8Array.of(1));
    expect(decodeImageData(encodeBase64(Uint8Array.of(255, 0, 7, 9)))).toEqual(Uint8Array.of(255, 0, 7, 9));
    expect(decodeImageData('AQI')).toBeUndefined();
    expect(decodeImageData('A*ID')).toBeUndefined();
    expect(decodeImageData('A===')).toBeUndefined();
  });
});

describe('multipart uploads', () => {
  const seen: Uint8Array[] = [];
  const base = fakePredictor();
  const predictor: Predictor = {
    ...base,
    predict: (bytes, options, signal) => {
      seen.push(bytes);
      return base.predict(bytes, options, signal);
    },
  };
  const app = createApp({ predictor, logError: () => undefined });
  const post = (body: BodyInit, headers: Record<string, string> = {}) =>
    app.request('/api', { method: 'POST', body, headers });

  it('hands the predictor a copy of each file alone, not a view that keeps the whole body alive', async () => {
    seen.length = 0;
    const form = formWith([{ name: 'a.png', bytes: fakeImage(3, 40) }]);
    form.append('note', 'x'.repeat(100_000));
    expect(await (await post(form)).json()).toEqual({ 'a.png': '3' });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.length).toBe(40);
    expect(seen[0]!.buffer.byteLength).toBe(40);
  });

  it('answers more than 1,000 parts 413, and a file name over 255 characters 400', async () => {
    const one = '--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n\r\n';
    const many = await post(`${one.repeat(1001)}--b--`, { 'content-type': 'multipart/form-data; boundary=b' });
    expect((await expectError(many, 413, 'PAYLOAD_TOO_LARGE')).message).toMatch(/more than 1000 parts/);
    const long = formWith([{ name: 'a'.repeat(MAX_FILENAME_LENGTH + 1), bytes: fakeImage(1) }]);
    expect((await expectError(await post(long), 400, 'BAD_REQUEST')).message).toMatch(/the limit is 255/);
    const fits = formWith([{ name: 'a'.repeat(MAX_FILENAME_LENGTH), bytes: fakeImage(1) }]);
    expect((await post(fits)).status).toBe(200);
  });

  it('refuses filename* (RFC 7578 4.2) and unquoted values with spaces, 400', async () => {
    const body = (disposition: string) =>
      `--b\r\nContent-Disposition: ${disposition}\r\nContent-Type: image/png\r\n\r\n\u0001\r\n--b--`;
    const type = { 'content-type': 'multipart/form-data; boundary=b' };
    const star = await post(body(`form-data; name="file"; filename*=UTF-8''a%0D%0A.png`), type);
    expect((await expectError(star, 400, 'BAD_REQUEST')).message).toMatch(/filename\*/);
    const spaces = await post(body(`form-data; name="file"; filename=x${' '.repeat(5000)}y.png`), type);
    await expectError(spaces, 400, 'BAD_REQUEST');
  });

  it('refuses a part header over 16 KiB from the start of the body, without waiting for the rest of it', async () => {
    const start = new TextEncoder().encode(`--b\r\nContent-Disposition: form-data; name="file"${'; p=v'.repeat(5000)}`);
    // 25 KB of parameters arrive, then the body (declared 10 MB) goes quiet: the answer must not need the rest.
    const body = new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(start) });
    const res = await app.request('/api', {
      method: 'POST',
      body,
      headers: { 'content-type': 'multipart/form-data; boundary=b', 'content-length': String(10_000_000) },
      duplex: 'half',
    } as RequestInit);
    expect((await expectError(res, 413, 'PAYLOAD_TOO_LARGE')).message).toMatch(/headers are longer than 16384 bytes/);
  });

  /** A body whose first bytes arrive and the rest (declared 9 MB) never does: an answer must not need the rest. */
  const stalled = (start: Uint8Array, contentType: string, path = '/api', declared = 9_000_000) =>
    app.request(path, {
      method: 'POST',
      body: new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(start) }),
      headers: { 'content-type': contentType, 'content-length': String(declared) },
      duplex: 'half',
    } as RequestInit);

  it('refuses a file that is not a PNG or JPEG from its first bytes, as its whole upload would be answered', async () => {
    const noise = new Uint8Array(30_000).map((_, i) => (i * 7919) % 251);
    const head = new TextEncoder().encode(
      '--b\r\nContent-Disposition: form-data; name="file"; filename="noise.png"\r\nContent-Type: image/png\r\n\r\n',
    );
    const start = new Uint8Array([...head, ...noise]);
    const early = await expectError(await stalled(start, 'multipart/form-data; boundary=b'), 415, 'UNSUPPORTED_FORMAT');
    // The same message as when the whole body arrives and the predictor is asked.
    const whole = formWith([{ name: 'noise.png', bytes: noise }]);
    expect(early.message).toBe('noise.png: the input is not a recognised image format; supported formats: PNG, JPEG');
    expect((await expectError(await post(whole), 415, 'UNSUPPORTED_FORMAT')).message).toBe(early.message);
    // A GIF is named; a file after a good one is judged too; a text field before the file is skipped.
    const gif = new TextEncoder().encode('GIF89a'.padEnd(200, 'x'));
    const two = new Uint8Array([
      ...new TextEncoder().encode('--b\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n'),
      ...new TextEncoder().encode('--b\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n'),
      ...fakeImage(3, 100),
      ...new TextEncoder().encode('\r\n--b\r\nContent-Disposition: form-data; name="file"; filename="b.gif"\r\n\r\n'),
      ...gif,
      ...noise,
    ]);
    expect(
      (await expectError(await stalled(two, 'multipart/form-data; boundary=b'), 415, 'UNSUPPORTED_FORMAT')).message,
    ).toBe('b.gif: GIF images are not supported; supported formats: PNG, JPEG');
  });

  it('waits for the rest of a body whose files start as images', async () => {
    const head = new TextEncoder().encode(
      '--b\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\n',
    );
    const start = new Uint8Array([...head, ...fakeImage(3, 30_000)]);
    const answer = await Promise.race([
      Promise.resolve(stalled(start, 'multipart/form-data; boundary=b')).then((r: Response) => r.status),
      new Promise((resolve) => setTimeout(() => resolve('still reading'), 300)),
    ]);
    expect(answer).toBe('still reading');
  });

  it('refuses a raw body that is not an image, and JSON with too much structure, from their first bytes', async () => {
    const raw = await stalled(new Uint8Array(70_000).fill(0x41), 'image/png', '/v1/predict?filename=x.png');
    expect((await expectError(raw, 415, 'UNSUPPORTED_FORMAT')).message).toMatch(/^x\.png: /);
    const flat = new TextEncoder().encode(`[${'1,'.repeat(40_000)}`);
    const json = await stalled(flat, 'application/json', '/v1/predict', 3_000_000);
    expect((await expectError(json, 400, 'BAD_REQUEST')).message).toMatch(/more structure than/);
  });
});
