import { HttpError } from './errors.js';

/**
 * The body's declared size: Content-Length when it is a plain decimal and no Transfer-Encoding overrides it.
 * @param headers - The request headers.
 * @returns The size in bytes, or undefined for a chunked or undeclared body.
 */
export function declaredBodyBytes(headers: Headers): number | undefined {
  const length = headers.get('content-length');
  if (length === null || headers.has('transfer-encoding') || !/^\d{1,15}$/.test(length)) return undefined;
  return Number(length);
}

/**
 * Reads a whole request body, refusing it once it passes `maxBytes`.
 *
 * A declared body is read with `arrayBuffer()`: the HTTP parser stops at Content-Length, and on Node the adapter
 * then reads the socket directly instead of building a web stream (part of the main thread's saving, see
 * `multipart.ts`). A chunked body is streamed and counted, so a client cannot make the server buffer more than the
 * limit by not declaring a size.
 * @param request - The request; its body is consumed.
 * @param maxBytes - The largest body accepted.
 * @param tooLarge - The error for a body over the limit, given its (declared, or read so far) size.
 * @returns The body bytes.
 */
export async function readBody(
  request: Request,
  maxBytes: number,
  tooLarge: (bytes: number) => HttpError,
): Promise<Uint8Array> {
  const declared = declaredBodyBytes(request.headers);
  if (declared !== undefined && declared > maxBytes) throw tooLarge(declared);
  try {
    if (declared !== undefined) return new Uint8Array(await request.arrayBuffer());
    return await readCapped(request.body, maxBytes, tooLarge);
  } catch (err) {
    if (err instanceof HttpError) throw err;
    throw new HttpError(400, 'BAD_REQUEST', 'the request body could not be read', { cause: err });
  }
}

async function readCapped(
  stream: ReadableStream<Uint8Array> | null,
  maxBytes: number,
  tooLarge: (bytes: number) => HttpError,
): Promise<Uint8Array> {
  if (stream === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxBytes) {
      void reader.cancel().catch(() => undefined);
      throw tooLarge(size);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.length;
  }
  return body;
}
