/**
 * A multipart/form-data reader over the whole body in memory (RFC 7578 on top of RFC 2046's framing), written for
 * the upload routes instead of `Request.formData()`: undici's reader wraps every part in a Blob and a File and asks
 * for the body through a web stream, which cost the main thread ~0.22 ms of its ~0.36 ms per 28x28 upload (per-thread
 * CPU under wrk -c16, `npm run bench:server` section of docs/SERVER.md). Parts here are views into the body: no copy.
 *
 * Every step is linear in the body and bounded: delimiters are found by a byte scan, a part's headers must end
 * within `MAX_PART_HEADER_BYTES`, the part count stops at `MAX_FORM_PARTS`, and Content-Disposition is read by a
 * scan, not a regular expression (content-disposition.ts; issue 22). `test/server/multipart.test.ts` checks
 * agreement with `Request.formData()` on random forms and the time of hostile ones.
 */

import { decodeBase64 } from '../ml/base64.js';
import { parseDisposition, type Disposition } from './content-disposition.js';

/** One part of the form; `body` is a view into the request body. */
export interface FormPart {
  readonly name: string;
  /** The file name; null for a text field (no `filename` parameter). */
  readonly filename: string | null;
  readonly body: Uint8Array;
}

/**
 * The parts, or why the body was refused: `malformed` (400) when it does not follow the RFCs, `limit` (413) when
 * it does but is bigger than this reader accepts (parts, part headers).
 */
export type MultipartResult =
  | { readonly ok: true; readonly parts: FormPart[] }
  | { readonly ok: false; readonly reason: string; readonly kind: 'malformed' | 'limit' };

/**
 * 1,000 parts: far more than any form of digit uploads (16 files at most are used), and a bound on the main
 * thread's work for a crafted 10 MB body of empty parts (~200,000 of them otherwise).
 */
export const MAX_FORM_PARTS = 1000;

/**
 * 16 KiB for one part's header block: a browser's is ~100 bytes. The same cap as busboy's and Node's HTTP headers;
 * without it 10 MB of `; pN=v` parameters cost 1.6 s of main thread and 79 MB of heap (issue 22).
 */
export const MAX_PART_HEADER_BYTES = 16 * 1024;

const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;
const utf8 = new TextDecoder();

/**
 * The `boundary` parameter of a multipart Content-Type.
 * @param contentType - The request's Content-Type header.
 * @returns The boundary (1-70 characters, RFC 2046 5.1.1), or undefined when it is missing or invalid.
 */
export function multipartBoundary(contentType: string): string | undefined {
  for (const param of contentType.split(';').slice(1)) {
    const eq = param.indexOf('=');
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'boundary') continue;
    let value = param.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    return value.length >= 1 && value.length <= 70 ? value : undefined;
  }
  return undefined;
}

/**
 * Splits a multipart/form-data body into its parts. A preamble before the first delimiter and an epilogue after the
 * closing one are ignored (RFC 2046); anything else that does not frame is refused.
 * @param body - The whole request body.
 * @param boundary - From {@link multipartBoundary}.
 * @param maxParts - Most parts accepted.
 * @returns The parts in body order, or the reason the body was refused.
 */
export function parseMultipart(body: Uint8Array, boundary: string, maxParts = MAX_FORM_PARTS): MultipartResult {
  const scanned = scanParts(body, boundary, maxParts, false);
  return scanned.ok ? { ok: true, parts: scanned.parts } : scanned;
}

/**
 * What the start of a body shows while the rest is still arriving: the parts complete in it, the part whose
 * content it ends in (`open`, its content so far), or a refusal that no later byte can undo (`limit`, or framing
 * already broken). A body cut anywhere is no refusal here: the rest may complete it.
 * @param prefix - The first bytes of the body.
 * @param boundary - From {@link multipartBoundary}.
 * @param maxParts - Most parts accepted.
 * @returns The parts seen so far, or the reason the body will be refused.
 */
export function parseMultipartStart(prefix: Uint8Array, boundary: string, maxParts = MAX_FORM_PARTS): MultipartStart {
  return scanParts(prefix, boundary, maxParts, true);
}

/** The refusals of {@link MultipartResult}. */
export type MultipartRefusal = Extract<MultipartResult, { ok: false }>;

/** What {@link parseMultipartStart} sees of a body still arriving. */
export type MultipartStart =
  { readonly ok: true; readonly parts: FormPart[]; readonly open: FormPart | undefined } | MultipartRefusal;

function scanParts(body: Uint8Array, boundary: string, maxParts: number, partial: boolean): MultipartStart {
  const cut = (parts: FormPart[], open?: FormPart) => ({ ok: true as const, parts, open });
  // Every delimiter but the first is CRLF "--" boundary; the first may also start the body.
  const delimiter = asciiBytes(`\r\n--${boundary}`);
  const opens = startsWith(body, delimiter, 0, 2);
  const first = opens ? 0 : find(body, delimiter, 0);
  if (first < 0) return partial ? cut([]) : refuse(`no '--${boundary}' delimiter line`);
  let at = opens ? delimiter.length - 2 : first + delimiter.length;
  const parts: FormPart[] = [];
  for (;;) {
    if (partial && at + 2 > body.length) return cut(parts);
    if (body[at] === DASH && body[at + 1] === DASH) return cut(parts);
    at = skipTransportPadding(body, at);
    if (partial && at + 2 > body.length) return cut(parts);
    if (body[at] !== CR || body[at + 1] !== LF) return refuse('a delimiter line does not end with CRLF');
    if (parts.length === maxParts) return refuse(`more than ${maxParts} parts`, 'limit');
    // The blank line is looked for only within the cap, so a huge header block costs no more than a legal one.
    const headersEnd = find(body, HEADERS_END, at, at + 2 + MAX_PART_HEADER_BYTES + HEADERS_END.length);
    if (headersEnd < 0) {
      if (body.length - at > MAX_PART_HEADER_BYTES + HEADERS_END.length) {
        return refuse(`a part's headers are longer than ${MAX_PART_HEADER_BYTES} bytes`, 'limit');
      }
      return partial ? cut(parts) : refuse('a part has no blank line after its headers');
    }
    const headers = parseHeaders(utf8.decode(body.subarray(at + 2, headersEnd + 2)));
    if (typeof headers === 'string') return refuse(headers);
    const start = headersEnd + HEADERS_END.length;
    const end = find(body, delimiter, start);
    if (end < 0) {
      if (!partial) return refuse('the body ends before the closing delimiter');
      // Content so far; a delimiter may have begun in the last bytes, and base64 is decoded only whole.
      const open = body.subarray(start, Math.max(start, body.length - delimiter.length));
      return cut(parts, headers.base64 ? undefined : { name: headers.name, filename: headers.filename, body: open });
    }
    let content = body.subarray(start, end);
    if (headers.base64) {
      const decoded = decodeMimeBase64(content);
      if (decoded === undefined) return refuse(`part '${headers.name}' is not valid base64`);
      content = decoded;
    }
    parts.push({ name: headers.name, filename: headers.filename, body: content });
    at = end + delimiter.length;
  }
}

const HEADERS_END = asciiBytes('\r\n\r\n');

interface PartHeaders extends Disposition {
  readonly base64: boolean;
}

/** The headers of one part (text from just after the delimiter's CRLF to the CRLF ending the last header). */
function parseHeaders(text: string): PartHeaders | string {
  let disposition: string | undefined;
  let base64 = false;
  for (const line of text.split('\r\n')) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return 'a part header has no name';
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-disposition') disposition = value;
    else if (name === 'content-transfer-encoding') base64 = value.toLowerCase() === 'base64';
  }
  if (disposition === undefined) return 'a part has no Content-Disposition header';
  const parsed = parseDisposition(disposition);
  return typeof parsed === 'string' ? parsed : { ...parsed, base64 };
}

function skipTransportPadding(body: Uint8Array, at: number): number {
  while (body[at] === 0x20 || body[at] === 0x09) at++;
  return at;
}

function refuse(reason: string, kind: 'malformed' | 'limit' = 'malformed'): MultipartRefusal {
  return { ok: false, reason, kind };
}

function asciiBytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return bytes;
}

/** Whether `haystack` holds `needle[from..]` at `at`. */
function startsWith(haystack: Uint8Array, needle: Uint8Array, at: number, from = 0): boolean {
  if (at + needle.length - from > haystack.length) return false;
  for (let i = from; i < needle.length; i++) if (haystack[at + i - from] !== needle[i]) return false;
  return true;
}

/**
 * First index of `needle` in `haystack` at or after `from` (ending by `to`), or -1; the first byte is found by the
 * native scan. Linear: at most `needle.length` (74) compares per occurrence of its first byte.
 */
function find(haystack: Uint8Array, needle: Uint8Array, from: number, to = haystack.length): number {
  const first = needle[0] as number;
  // The native scan must stop at `to` too, or a capped search would still read the whole body.
  const scanned = to < haystack.length ? haystack.subarray(0, to) : haystack;
  const last = scanned.length - needle.length;
  for (let at = scanned.indexOf(first, from); at >= 0 && at <= last; at = scanned.indexOf(first, at + 1)) {
    if (startsWith(scanned, needle, at)) return at;
  }
  return -1;
}

/** A part sent with Content-Transfer-Encoding: base64 (MIME breaks its lines; the breaks are not data). */
function decodeMimeBase64(content: Uint8Array): Uint8Array | undefined {
  let text = '';
  for (let i = 0; i < content.length; i += 0x8000) text += String.fromCharCode(...content.subarray(i, i + 0x8000));
  try {
    return decodeBase64(text.replace(/\s+/g, ''));
  } catch {
    return undefined;
  }
}
