import { expect } from 'vitest';

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

/** Bytes whose first value selects the fake predictor's answer (digit = first byte % 10). */
export function fakeImage(first: number, length = 16): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  bytes[0] = first;
  return bytes;
}
