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

/** Where a body's bytes are counted as they arrive (admission.ts), and how long it may go silent. */
export interface BodyMeter {
  /** Counts `bytes` more received; throws (503 BUSY) when the server's budget cannot take them. */
  charge(bytes: number): void;
  /** The body has all arrived (or will not): it no longer counts as an upload in progress. */
  done(): void;
  /** A body that sends nothing for this long is answered 408. */
  readonly idleMs: number;
}

/**
 * 64 KiB: a declared body up to this size is read in one `arrayBuffer()` call and charged whole before it
 * arrives. A 28x28 PNG is ~1 KB; the call skips the web stream (part of the main thread's saving, see
 * `multipart.ts`), and a client that declares 64 KiB and sends nothing holds little. Bigger bodies are
 * streamed and charged chunk by chunk, as they arrive.
 */
export const SMALL_BODY_BYTES = 64 * 1024;

/**
 * Reads a whole request body, refusing it once it passes `maxBytes`.
 *
 * A small declared body is read with `arrayBuffer()`: the HTTP parser stops at Content-Length, and on Node the
 * adapter then reads the socket directly instead of building a web stream. Anything else (larger, or chunked) is
 * streamed and counted, so a client cannot make the server buffer more than the limit by not declaring a size,
 * nor hold budget it has not sent. With a meter, every read must make progress within `meter.idleMs` (a small
 * body must arrive whole within it), or the request is answered 408.
 * @param request - The request; its body is consumed.
 * @param maxBytes - The largest body accepted.
 * @param tooLarge - The error for a body over the limit, given its (declared, or read so far) size.
 * @param meter - Where arriving bytes are counted (the upload routes' admission).
 * @param prefixCheck - Looks at the start of a streamed body before the rest is buffered (multipart part headers).
 * @returns The body bytes.
 */
export async function readBody(
  request: Request,
  maxBytes: number,
  tooLarge: (bytes: number) => HttpError,
  meter?: BodyMeter,
  prefixCheck?: BodyPrefixCheck,
): Promise<Uint8Array> {
  const declared = declaredBodyBytes(request.headers);
  if (declared !== undefined && declared > maxBytes) throw tooLarge(declared);
  try {
    if (declared !== undefined && declared <= SMALL_BODY_BYTES) {
      meter?.charge(declared);
      const whole = request.arrayBuffer();
      return new Uint8Array(meter === undefined ? await whole : await withinIdle(whole, meter.idleMs));
    }
    return await readCapped(request.body, declared ?? maxBytes, declared !== undefined, tooLarge, meter, prefixCheck);
  } catch (err) {
    if (err instanceof HttpError) throw err;
    throw new HttpError(400, 'BAD_REQUEST', 'the request body could not be read', { cause: err });
  } finally {
    meter?.done();
  }
}

/** `read`, or a 408 when it does not settle within `idleMs` (the pending read is left to fail quietly). */
async function withinIdle<T>(read: Promise<T>, idleMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const idle = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new HttpError(408, 'REQUEST_TIMEOUT', `the request body sent nothing for ${idleMs} ms`, {
            headers: { connection: 'close' },
          }),
        ),
      idleMs,
    );
  });
  read.catch(() => undefined);
  try {
    return await Promise.race([read, idle]);
  } finally {
    clearTimeout(timer);
  }
}

/** A look at the start of a streamed body once `bytes` of it have arrived, to refuse it before the rest comes. */
export interface BodyPrefixCheck {
  readonly bytes: number;
  /** Throws (an HttpError) to refuse the body. */
  check(prefix: Uint8Array): void;
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.length;
  }
  return body;
}

/**
 * Streams a body of at most `maxBytes`. The first chunks are kept as they come until `prefixCheck` has seen
 * `prefixCheck.bytes` of them (so a body refused from its start is never buffered whole); after that, when its
 * size is declared, chunks are copied as they arrive into one buffer of that size: no list of chunks to keep,
 * and no 10 MB copy at the end that would hold the event loop (~40 ms on a busy machine) in one block.
 */
async function readCapped(
  stream: ReadableStream<Uint8Array> | null,
  maxBytes: number,
  exact: boolean,
  tooLarge: (bytes: number) => HttpError,
  meter: BodyMeter | undefined,
  prefixCheck: BodyPrefixCheck | undefined,
): Promise<Uint8Array> {
  if (stream === null) return new Uint8Array(0);
  let whole: Uint8Array | undefined;
  let chunks: Uint8Array[] = [];
  let size = 0;
  let checked = prefixCheck === undefined;
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = meter === undefined ? await reader.read() : await withinIdle(reader.read(), meter.idleMs);
      if (done) break;
      if (size + value.length > maxBytes) throw tooLarge(size + value.length);
      meter?.charge(value.length);
      if (whole !== undefined) whole.set(value, size);
      else chunks.push(value);
      size += value.length;
      if (!checked && size >= prefixCheck!.bytes) {
        const prefix = concat(chunks, size);
        prefixCheck!.check(prefix);
        checked = true;
        chunks = [prefix];
      }
      // Allocated once the start has passed its check, not at the headers: a body that never comes costs nothing.
      if (exact && checked && whole === undefined) {
        whole = new Uint8Array(maxBytes);
        whole.set(concat(chunks, size), 0);
        chunks = [];
      }
    }
  } catch (err) {
    void reader.cancel().catch(() => undefined);
    throw err;
  }
  return whole !== undefined ? whole.subarray(0, size) : concat(chunks, size);
}
