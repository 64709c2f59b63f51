import type { Context } from 'hono';
import { decodeBase64 } from '../ml/base64.js';
import { bodyMeterFor } from './admission.js';
import { readBody } from './body.js';
import { detectFormat } from '../image/format.js';
import { HttpError, toHttpError, type ErrorIssue } from './errors.js';
import { countJsonStructure, maxJsonStructure } from './json-budget.js';
import type { ServerLimits } from './limits.js';
import {
  MAX_PART_HEADER_BYTES,
  multipartBoundary,
  parseMultipart,
  parseMultipartStart,
  type FormPart,
} from './multipart.js';
import { PredictJsonRequestSchema } from './schemas.js';

/** One uploaded image, before decoding. */
export interface Upload {
  readonly filename: string;
  readonly bytes: Uint8Array;
}

/** The multipart field that carries files (the old app's name, kept). */
export const FILE_FIELD = 'file';

/** 255 characters, as for JSON `filename` (schemas.ts) and most file systems' names. */
export const MAX_FILENAME_LENGTH = 255;

/** Raw-body content types accepted by /v1/predict. */
const RAW_IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/jpg']);

function mediaType(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase();
}

function checkCount(count: number, limits: ServerLimits): void {
  if (count > limits.maxFiles) {
    throw new HttpError(413, 'TOO_MANY_FILES', `${count} images in one request; the limit is ${limits.maxFiles}`);
  }
  if (count === 0) {
    throw new HttpError(400, 'BAD_REQUEST', `no image: send one or more multipart '${FILE_FIELD}' fields`);
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const DATA_URL_PREFIX = /^data:[a-z0-9.+/-]*;base64,/i;

/**
 * An image's `data` field: standard base64 with its padding, tolerating whitespace and a `data:...;base64,`
 * prefix (what a browser's FileReader.readAsDataURL gives).
 * @param text - The field's text.
 * @returns The bytes, or undefined when the text is not valid base64.
 */
export function decodeImageData(text: string): Uint8Array | undefined {
  const clean = text.replace(DATA_URL_PREFIX, '').replace(/\s+/g, '');
  if (clean.length % 4 !== 0 || !BASE64.test(clean)) return undefined;
  return decodeBase64(clean);
}

/**
 * The 413 for a request body over `maxBodyBytes`.
 * @param limits - The limits in force.
 * @returns The error to throw.
 */
export function bodyTooLarge(limits: ServerLimits): HttpError {
  return new HttpError(413, 'PAYLOAD_TOO_LARGE', `request body over ${limits.maxBodyBytes} bytes`);
}

/**
 * Reads the `file` fields of a multipart/form-data request (the only input style of the old /api).
 * @param c - The request context.
 * @param limits - Bounds on the body size and the file count.
 * @returns The uploads in request order.
 */
export async function readMultipart(c: Context, limits: ServerLimits): Promise<Upload[]> {
  const contentType = c.req.header('content-type') ?? '';
  if (mediaType(contentType) !== 'multipart/form-data') {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `expected multipart/form-data with '${FILE_FIELD}' fields`);
  }
  const boundary = multipartBoundary(contentType);
  if (boundary === undefined) {
    throw new HttpError(
      400,
      'BAD_REQUEST',
      'malformed multipart/form-data body: the Content-Type has no valid boundary parameter',
    );
  }
  const overLimit = (reason: string) => new HttpError(413, 'PAYLOAD_TOO_LARGE', `multipart/form-data body: ${reason}`);
  // The body's first ~18 KB are looked at before the rest (up to 10 MB) is buffered: a part header over its cap is
  // refused there, and so is a file that is not a PNG or JPEG, with the answer its whole upload would get. Under
  // bench:soak, buffering and copying 9 MB bodies of noise only to refuse them took most of the main thread.
  const early = {
    bytes: MAX_PART_HEADER_BYTES + 2048,
    check(prefix: Uint8Array) {
      const start = parseMultipartStart(prefix, boundary);
      if (!start.ok) {
        if (start.kind === 'limit') throw overLimit(start.reason);
        return;
      }
      refuseNonImages(start.open === undefined ? start.parts : [...start.parts, start.open], start.open);
    },
  };
  const body = await readBody(
    c.req.raw,
    limits.maxBodyBytes,
    () => bodyTooLarge(limits),
    bodyMeterFor(c.req.raw),
    early,
  );
  const form = parseMultipart(body, boundary);
  if (!form.ok) {
    if (form.kind === 'limit') throw overLimit(form.reason);
    throw new HttpError(400, 'BAD_REQUEST', `malformed multipart/form-data body: ${form.reason}`);
  }
  const files = form.parts.filter((part) => part.name === FILE_FIELD);
  checkCount(files.length, limits);
  refuseNonImages(files, undefined);
  return files.map((part, index) => {
    if (part.filename === null) {
      throw new HttpError(400, 'BAD_REQUEST', `field '${FILE_FIELD}' #${index + 1} is text, not a file`);
    }
    if (part.filename.length > MAX_FILENAME_LENGTH) {
      throw new HttpError(
        400,
        'BAD_REQUEST',
        `field '${FILE_FIELD}' #${index + 1} has a file name of ${part.filename.length} characters; the limit is ${MAX_FILENAME_LENGTH}`,
      );
    }
    // Copied out of the body: a view would keep the whole request buffer alive while the image waits in the
    // queue, and postMessage would clone all of it for the worker (issue 22: a 9.9 MB text field beside a
    // 1 KB PNG cost 120 ms per request). Copying the part alone costs microseconds.
    return { filename: part.filename || `image-${index + 1}`, bytes: part.body.slice() };
  });
}

/**
 * Bytes of a file's start that tell its format for certain: the magic numbers, and the 64 bytes detectFormat reads
 * to name an unsupported format (SVG/XML), so a refusal from a body's start says what the whole file would.
 */
const FORMAT_PREFIX_BYTES = 64;

/**
 * Refuses the request at the first `file` part, in order, that is not a PNG or JPEG (415 UNSUPPORTED_FORMAT or 400
 * EMPTY_INPUT, named as the predictor names it), before any part is copied or queued: the request would fail with
 * that answer anyway (the first bad file fails it). Stops at a part whose name is itself an error, which the caller
 * reports. `open` is a part still arriving: judged only once enough of it is in.
 */
function refuseNonImages(parts: readonly FormPart[], open: FormPart | undefined): void {
  let index = 0;
  for (const part of parts) {
    if (part.name !== FILE_FIELD) continue;
    index++;
    if (part.filename === null || part.filename.length > MAX_FILENAME_LENGTH) return;
    if (part === open && part.body.length < FORMAT_PREFIX_BYTES) return;
    try {
      detectFormat(part.body);
    } catch (err) {
      throw toHttpError(err, part.filename || `image-${index}`);
    }
  }
}

/** 64 KiB: the start of a JSON body checked for structure while the rest arrives; 16 images' JSON fit in ~200 bytes of it. */
const JSON_PREFIX_BYTES = 64 * 1024;

function checkJsonStructure(text: Uint8Array, limits: ServerLimits): void {
  const maxTokens = maxJsonStructure(limits.maxFiles);
  if (countJsonStructure(text, maxTokens) > maxTokens) {
    throw new HttpError(
      400,
      'BAD_REQUEST',
      `request JSON has more structure than { images: [{ filename?, data }] } with at most ${limits.maxFiles} images`,
    );
  }
}

async function readJson(c: Context, limits: ServerLimits): Promise<Upload[]> {
  const text = await readBody(
    c.req.raw,
    Math.min(limits.maxJsonBytes, limits.maxBodyBytes),
    (bytes) => (bytes > limits.maxBodyBytes ? bodyTooLarge(limits) : jsonTooLarge(bytes, limits)),
    bodyMeterFor(c.req.raw),
    // A body whose start already has too much structure is refused before the rest is buffered (a prefix cannot
    // have more than the whole): under bench:soak a 3 MB flat array was otherwise read whole, ~500 times a minute.
    { bytes: JSON_PREFIX_BYTES, check: (prefix) => checkJsonStructure(prefix, limits) },
  );
  checkJsonStructure(text, limits);
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(text));
  } catch (err) {
    throw new HttpError(400, 'BAD_REQUEST', 'request body is not valid JSON', { cause: err });
  }
  // Counted before validation so an oversized batch is a 413 even if some entries are also malformed.
  const images = (body as { images?: unknown } | null)?.images;
  if (Array.isArray(images)) checkCount(images.length, limits);
  const parsed = PredictJsonRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issues: ErrorIssue[] = parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    }));
    throw new HttpError(400, 'BAD_REQUEST', 'request JSON does not match { images: [{ filename?, data }] }', {
      issues,
    });
  }
  return parsed.data.images.map((image, index) => {
    const bytes = decodeImageData(image.data);
    if (bytes === undefined) {
      throw new HttpError(400, 'BAD_REQUEST', `images.${index}.data is not valid base64`, {
        issues: [{ path: `images.${index}.data`, message: 'not valid base64' }],
      });
    }
    return { filename: image.filename ?? `image-${index + 1}`, bytes };
  });
}

/**
 * Reads the images of a /v1/predict request in any of its three styles: multipart `file` fields, JSON
 * `{ images: [{ filename?, data }] }` with base64 data, or a raw image/png or image/jpeg body
 * (named by `?filename=`, default `image`).
 * @param c - The request context (the body limit has already been applied).
 * @param limits - Bounds on the file count.
 * @returns The uploads in request order; throws HttpError 400/413/415 for requests it cannot use.
 */
export async function readUploads(c: Context, limits: ServerLimits): Promise<Upload[]> {
  const type = mediaType(c.req.header('content-type') ?? '');
  if (type === 'multipart/form-data') return readMultipart(c, limits);
  if (type === 'application/json') return readJson(c, limits);
  if (RAW_IMAGE_TYPES.has(type)) {
    const filename = c.req.query('filename') ?? 'image';
    // Whatever the Content-Type says, a body that does not start as a PNG or JPEG is refused from its start.
    const bytes = await readBody(c.req.raw, limits.maxBodyBytes, () => bodyTooLarge(limits), bodyMeterFor(c.req.raw), {
      bytes: FORMAT_PREFIX_BYTES,
      check: (prefix) => refuseNonImages([{ name: FILE_FIELD, filename, body: prefix }], undefined),
    });
    return [{ filename, bytes }];
  }
  throw new HttpError(
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    `unsupported content type '${type || '(none)'}': use multipart/form-data, application/json, image/png or image/jpeg`,
  );
}

function jsonTooLarge(bytes: number, limits: ServerLimits): HttpError {
  return new HttpError(
    413,
    'PAYLOAD_TOO_LARGE',
    `JSON body of ${bytes} bytes; the JSON limit is ${limits.maxJsonBytes} bytes (send larger files as multipart/form-data or a raw image body)`,
  );
}

/**
 * Gives every upload a distinct key for the old /api answer, which is an object keyed by file name: the first
 * "a.png" keeps its name, later ones become "a.png (2)", "a.png (3)", ... skipping names already taken.
 * @param names - File names in request order.
 * @returns Keys in the same order, all distinct.
 */
export function uniqueKeys(names: readonly string[]): string[] {
  const taken = new Set<string>();
  return names.map((name) => {
    let key = name;
    for (let n = 2; taken.has(key); n++) key = `${name} (${n})`;
    taken.add(key);
    return key;
  });
}
