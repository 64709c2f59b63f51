import { expect } from 'vitest';
import { FAKE_IMAGE_AT, JPEG_START } from './fixtures.js';

/** Reads a response as the error shape, asserting status and code, and that no stack trace leaked. */
export async function expectError(
  res: Response,
  status: number,
  code: string,
): Promise<{ code: string; message: string; issues?: unknown[] }> {
  const text = await res.text();
  expect({ status: res.status, text }).toMatchObject({ status });
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(text).not.toMatch(/\n\s+at /);
  const body = JSON.parse(text) as { error: { code: string; message: string; issues?: unknown[] } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  return body.error;
}

/** A multipart body with one `file` field per entry. */
export function formWith(
  files: ReadonlyArray<{ name: string; bytes: Uint8Array; type?: string }>,
  field = 'file',
): FormData {
  const form = new FormData();
  for (const f of files)
    form.append(field, new Blob([new Uint8Array(f.bytes)], { type: f.type ?? 'image/png' }), f.name);
  return form;
}

/**
 * Bytes that start as a JPEG does (the upload routes refuse anything else from its first bytes), then a value that
 * selects the fake predictor's answer (digit = that byte % 10; see FAKE_IMAGE_AT in fixtures.ts).
 */
export function fakeImage(first: number, length = 16): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(Math.max(length, FAKE_IMAGE_AT + 3));
  bytes.set(JPEG_START);
  bytes[FAKE_IMAGE_AT] = first;
  return bytes.subarray(0, Math.max(length, FAKE_IMAGE_AT + 1)).slice();
}
