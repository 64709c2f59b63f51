/**
 * The `Content-Disposition: form-data; name="..."; filename="..."` header of a multipart part, read by a single
 * left-to-right scan (RFC 7578 section 4.2, through RFC 2183 and RFC 2045's `token` / `quoted-string`). No regular
 * expression touches the header: a backtracking one took time quadratic in a run of spaces (issue 22: a 91 KB body
 * held the event loop 9 s), and this scan is linear in the header's length, which the framing caps besides.
 *
 * What a valid body means here, where the RFCs and browsers differ:
 * - a value is a token or a quoted string; inside quotes `\"` is an RFC 2045 quoted-pair (`"a\"b.png"` is `a"b.png`)
 *   where the quote does not end the value, and any other backslash is literal: browsers escape nothing but quote,
 *   CR and LF, and those as %22, %0D, %0A, so they send a file named `a\` as `"a\"`;
 * - `%22` in a quoted value is a quote (the HTML form encoding); `%0D` and `%0A` stay as written, so a name never
 *   holds CR or LF (it is echoed in answers and may reach logs);
 * - `filename*` is refused: RFC 7578 section 4.2 forbids it in form-data, and undici refuses the body too;
 * - whitespace is allowed around `;` and `=` (RFC 2045 allows it between tokens), never inside a token.
 */

/** The parameters the upload routes use. */
export interface Disposition {
  readonly name: string;
  /** null for a text field (no `filename` parameter). */
  readonly filename: string | null;
}

/**
 * 16 parameters: a browser sends two (name, filename); RFC 2183 defines five more. A bound on the work and the map
 * a crafted header can cost, beside the part-header byte cap.
 */
export const MAX_DISPOSITION_PARAMS = 16;

/** 1 for the characters of an RFC 2045 token: printable ASCII but space and the tspecials. */
const TOKEN = new Uint8Array(128);
for (let code = 0x21; code < 0x7f; code++) TOKEN[code] = '()<>@,;:\\"/[]?='.includes(String.fromCharCode(code)) ? 0 : 1;

function isTokenChar(code: number): boolean {
  return code < 128 && TOKEN[code] === 1;
}

function skipSpace(text: string, at: number): number {
  while (at < text.length && (text.charCodeAt(at) === 0x20 || text.charCodeAt(at) === 0x09)) at++;
  return at;
}

function readToken(text: string, at: number): number {
  while (at < text.length && isTokenChar(text.charCodeAt(at))) at++;
  return at;
}

/**
 * A quoted string starting at the opening quote: its value and the index after the closing quote, or undefined.
 * `\"` is an RFC 2045 quoted-pair unless that quote ends the value (nothing but spaces before the next `;` or the
 * end): browsers never escape with backslashes, so their `"a\"` is a file named `a\`. Any other backslash is kept.
 */
function readQuoted(text: string, at: number): { value: string; end: number } | undefined {
  let value = '';
  for (let i = at + 1; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') return { value, end: i + 1 };
    if (ch === '\\' && text[i + 1] === '"' && !endsValue(text, i + 2)) {
      value += '"';
      i++;
    } else value += ch;
  }
  return undefined;
}

/** Whether a value may end just before `at`: only spaces, then `;` or the end of the header. */
function endsValue(text: string, at: number): boolean {
  const next = skipSpace(text, at);
  return next === text.length || text[next] === ';';
}

/** `%22` is a quote (HTML form encoding); `%0D` / `%0A` are left as text, see the module comment. */
function decodeQuotes(text: string): string {
  return text.includes('%22') ? text.split('%22').join('"') : text;
}

/**
 * Reads a part's Content-Disposition value.
 * @param value - The header value, e.g. `form-data; name="file"; filename="a.png"`.
 * @returns The name and file name, or a message saying why the header is refused.
 */
export function parseDisposition(value: string): Disposition | string {
  let at = skipSpace(value, 0);
  const typeEnd = readToken(value, at);
  const type = value.slice(at, typeEnd).toLowerCase();
  if (type !== 'form-data') return `a part's Content-Disposition is '${value.slice(at, typeEnd)}', not 'form-data'`;
  const params = new Map<string, string>();
  at = skipSpace(value, typeEnd);
  while (at < value.length) {
    if (value[at] !== ';') return `unexpected '${value[at]}' in a part's Content-Disposition parameters`;
    at = skipSpace(value, at + 1);
    if (at === value.length) break; // a trailing ';' is harmless
    const keyEnd = readToken(value, at);
    if (keyEnd === at) return `a part's Content-Disposition has a parameter with no name`;
    const key = value.slice(at, keyEnd).toLowerCase();
    at = skipSpace(value, keyEnd);
    if (value[at] !== '=') return `parameter '${key}' of a part's Content-Disposition has no '='`;
    at = skipSpace(value, at + 1);
    let param: string;
    if (value[at] === '"') {
      const quoted = readQuoted(value, at);
      if (quoted === undefined) return `parameter '${key}' of a part's Content-Disposition has no closing quote`;
      param = decodeQuotes(quoted.value);
      at = quoted.end;
    } else {
      const end = readToken(value, at);
      if (end === at) return `parameter '${key}' of a part's Content-Disposition has no value`;
      param = value.slice(at, end);
      at = end;
    }
    // A value is one token or one quoted string: anything else before the next ';' (such as the rest of
    // `filename=x y.png`) makes the header invalid, not part of the value.
    at = skipSpace(value, at);
    if (key === 'filename*') return `a part uses 'filename*', which RFC 7578 (section 4.2) does not allow`;
    if (params.has(key)) return `parameter '${key}' appears twice in a part's Content-Disposition`;
    if (params.size === MAX_DISPOSITION_PARAMS)
      return `a part's Content-Disposition has more than ${MAX_DISPOSITION_PARAMS} parameters`;
    params.set(key, param);
  }
  const name = params.get('name');
  if (name === undefined) return 'a part has no name';
  return { name, filename: params.get('filename') ?? null };
}
