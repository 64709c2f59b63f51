/**
 * The page's browser code, served as /assets/app.js (an ES module). One module with no run-time imports: the
 * build (scripts/build-page-script.mjs) transpiles it to JavaScript with TypeScript's own compiler, no bundler,
 * so the Docker build (which installs no native build tools) makes the same asset. Only types come from the
 * server, and they are erased. It talks to POST /v1/read?include=normalized (every digit of a picture, with
 * boxes) and, for the "wrong? the right digit is ..." control, POST /v1/feedback; it inserts every server- or user-provided text (file names, messages) with textContent, never as HTML.
 */
import type { ErrorCode } from '../../errors.js';
import type { ReadDigitBody, ReadingBody, ReadResponse } from '../../schemas.js';

const READ_URL = '/v1/read?include=normalized';
const FEEDBACK_URL = '/v1/feedback';
const DRAW_DEBOUNCE_MS = 250;
/**
 * Readings less sure than this are flagged: on the report split of `npm run bench:read` (2026-12-05), readings at
 * 0.5-0.8 were exactly right 76% of the time and those under 0.5 28%, against 97-100% from 0.9 up.
 */
const UNSURE_BELOW = 0.8;

/** An error answer as the page shows it: the API's code ('' when the body is not ours) and message. */
interface Failure {
  readonly code: ErrorCode | '';
  readonly message: string;
}

/** The element with this id, which the page's HTML (page/html.ts) always has. */
function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`the page has no #${id}`);
  return node as T;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * A probability as a percentage with one decimal, or more decimals when one would round a near-certainty up to
 * "100.0%" (0.999993 shows as "99.9993%": not certain, and the user can see how close); never "100%" or "0.0%"
 * for what is neither certain nor impossible.
 */
function percent(p: number): string {
  const doubt = (1 - p) * 100;
  // Enough decimals to show the first digit of the doubt: 0.9995 -> 99.95%, 0.999993 -> 99.9993%.
  const decimals = p < 1 && doubt < 0.1 ? Math.min(8, Math.ceil(-Math.log10(doubt))) : 1;
  const text = (p * 100).toFixed(decimals);
  if (p < 1 && Number(text) >= 100) return '>' + (100 - 10 ** -decimals).toFixed(decimals) + '%';
  // A small chance is not none: 0.000004 shows as <0.1%, not 0.0%.
  if (p > 0 && Number(text) === 0) return '<0.1%';
  return text + '%';
}

/** The error's code and message from a JSON error body, or a generic one when the body is not ours. */
async function errorOf(response: Response): Promise<Failure> {
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } } | null;
    if (body && body.error && typeof body.error.message === 'string') {
      const code = typeof body.error.code === 'string' ? (body.error.code as ErrorCode) : '';
      return { code, message: body.error.message };
    }
  } catch {
    /* not JSON: fall through */
  }
  return { code: '', message: 'request failed with status ' + response.status };
}

/** What to try next, for each error code a picture can get (the message says what was wrong). */
const HINTS: Partial<Record<ErrorCode, string>> = {
  NO_DIGIT_FOUND:
    'No digit here. Try a picture of digits that fill most of the frame, in focus, dark on a plain light background (or light on dark). Crop away other marks, and avoid heavy shadows.',
  TOO_MANY_PIECES: 'The picture holds too many marks to read as a number: crop it to the number.',
  TOO_MANY_DIGITS: 'The picture holds more digits than one reading takes: crop it to one number.',
  UNSUPPORTED_FORMAT:
    'Neither the server nor your browser can read this file: save or export the picture as PNG or JPEG (a screenshot works too) and upload that.',
  CORRUPT_IMAGE: 'The file looks damaged or incomplete: export or download it again, or take a screenshot of it.',
  IMAGE_TOO_LARGE: 'Crop or resize the picture: a few hundred pixels around the number are plenty.',
  PAYLOAD_TOO_LARGE: 'Crop or resize the picture: a few hundred pixels around the number are plenty.',
  EMPTY_INPUT: 'The file is empty: choose the picture again.',
  TOO_MANY_FILES: 'Upload fewer files at a time.',
};
const DEFAULT_HINT = 'Try again in a moment; if it keeps failing, try another picture.';

function hintFor(code: Failure['code']): string {
  return (code === '' ? undefined : HINTS[code]) || DEFAULT_HINT;
}

/** The uploaded picture as the browser shows it, or a note when the browser cannot show the file either. */
function sourceImage(sourceUrl: string): HTMLImageElement {
  const original = el('img', 'source');
  original.alt = 'The uploaded picture';
  original.addEventListener('error', () =>
    original.replaceWith(el('p', 'source-missing', 'The browser cannot show this file either.')),
  );
  original.src = sourceUrl;
  return original;
}

/** Draws a box over `frame` (position: relative) for each digit (labelled) and each skipped piece (dashed). */
function drawBoxes(frame: HTMLElement, reading: ReadingBody): void {
  for (const old of Array.from(frame.querySelectorAll('.box'))) old.remove();
  const place = (box: ReadDigitBody['box'], className: string, label: string) => {
    const node = el('div', className);
    // Set through the CSSOM, which the Content-Security-Policy allows (style attributes in HTML it would not).
    node.style.left = ((box.x / reading.width) * 100).toFixed(3) + '%';
    node.style.top = ((box.y / reading.height) * 100).toFixed(3) + '%';
    node.style.width = ((box.width / reading.width) * 100).toFixed(3) + '%';
    node.style.height = ((box.height / reading.height) * 100).toFixed(3) + '%';
    node.title = label;
    frame.append(node);
    return node;
  };
  reading.digits.forEach((d, i) => {
    place(d.box, 'box digit-box', 'Digit ' + (i + 1) + ': ' + d.digit).append(el('span', '', String(d.digit)));
  });
  for (const piece of reading.skipped) place(piece.box, 'box skipped', 'Skipped: ' + piece.reason);
}

/** The ten decision values as bars, with a legend saying what they are. */
function scoreBars(digit: ReadDigitBody): HTMLElement {
  const details = el('details');
  details.append(el('summary', '', 'Scores'));
  details.append(
    el(
      'p',
      'legend',
      digit.pair
        ? "Each digit's log-probability from the pair network, which read this digit together with its neighbour: higher is more likely."
        : "Each digit's classifier score (decision value): higher is more likely; bars run from the lowest to the highest score.",
    ),
  );
  const min = Math.min(...digit.scores);
  const span = Math.max(...digit.scores) - min || 1;
  const list = el('ol', 'bars');
  list.setAttribute('aria-label', 'Score for each digit');
  digit.scores.forEach((score, d) => {
    const item = el('li', d === digit.digit ? 'best' : '');
    item.append(el('span', 'label', String(d)));
    const track = el('span', 'track');
    track.setAttribute('aria-hidden', 'true');
    const fill = el('span', 'fill');
    fill.style.width = (((score - min) / span) * 100).toFixed(1) + '%';
    track.append(fill);
    item.append(track, el('span', 'value', score.toFixed(2)));
    list.append(item);
  });
  details.append(list);
  return details;
}

/** Whether the server takes corrections: the page's HTML says so (FEEDBACK=off, or no store, turns it off). */
function feedbackOn(): boolean {
  return document.body.dataset['feedback'] === 'on';
}

/** The 28x28 PNG the model read, as a file to send back with the right answer. */
function pngBlob(base64: string): Blob {
  const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
  return new Blob([bytes], { type: 'image/png' });
}

/**
 * "Wrong? The right digit is [ ] Send": posts the 28x28 picture the model read and the right digit to
 * /v1/feedback, then says thanks or shows the server's error (the user may correct the digit and send again).
 */
function correctionForm(digit: ReadDigitBody, index: number, normalized: string): HTMLElement {
  const form = el('form', 'correction');
  const label = el('label', '', 'Wrong? The right digit is ');
  const input = el('input');
  input.type = 'text';
  input.inputMode = 'numeric';
  input.maxLength = 1;
  input.pattern = '[0-9]';
  input.required = true;
  input.autocomplete = 'off';
  input.setAttribute('aria-label', 'The right digit for digit ' + (index + 1));
  label.append(input);
  const send = el('button', '', 'Send');
  send.type = 'submit';
  const status = el('span', 'correction-status');
  status.setAttribute('role', 'status');
  form.append(label, send, status);
  const say = (text: string, isError: boolean): void => {
    status.textContent = text;
    status.className = isError ? 'correction-status error' : 'correction-status';
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const right = input.value.trim();
    if (!/^[0-9]$/.test(right)) {
      say('Type one digit, 0 to 9.', true);
      return;
    }
    if (Number(right) === digit.digit) {
      say('That is what the model read: nothing to correct.', true);
      return;
    }
    const body = new FormData();
    body.append('file', pngBlob(normalized), 'digit-' + (index + 1) + '.png');
    body.append('digit', right);
    send.disabled = true;
    say('Sending…', false);
    void fetch(FEEDBACK_URL, { method: 'POST', body })
      .then(async (response) => {
        if (response.ok) {
          say('Thanks: your correction (' + right + ') was saved for review.', false);
          input.disabled = true;
          return;
        }
        say((await errorOf(response)).message, true);
        send.disabled = false;
      })
      .catch(() => {
        say('Network error: the correction was not sent.', true);
        send.disabled = false;
      });
  });
  return form;
}

/** One digit of a reading: the digit, the 28x28 it became, its confidence and its runner-up. */
function renderDigit(digit: ReadDigitBody, index: number): HTMLElement {
  const item = el('li');
  item.setAttribute('aria-label', 'Digit ' + (index + 1) + ': ' + digit.digit);
  const value = el('span', 'digit', String(digit.digit));
  value.dataset['digit'] = String(digit.digit);
  item.append(value);
  if (digit.normalized) {
    const figure = el('figure');
    const seen = el('img');
    seen.src = 'data:image/png;base64,' + digit.normalized;
    seen.alt = 'The 28 by 28 pixel picture the model read for digit ' + (index + 1);
    figure.append(seen, el('figcaption', '', '28×28 read'));
    item.append(figure);
  }
  item.append(el('span', 'confidence', 'Confidence ' + percent(digit.confidence)));
  item.append(
    el('span', 'runner-up', 'Runner-up ' + digit.runnerUp.digit + ' (' + percent(digit.runnerUp.confidence) + ')'),
  );
  if (digit.pair) item.append(el('span', 'hint', 'Written into its neighbour: the two were read together'));
  item.append(scoreBars(digit));
  if (digit.normalized && feedbackOn()) item.append(correctionForm(digit, index, digit.normalized));
  return item;
}

/** The whole reading: the number, its confidence, and each digit. */
function renderReading(reading: ReadingBody, sourceUrl: string | null): HTMLElement {
  const card = el('article', 'result');
  card.setAttribute('aria-label', 'Result for ' + reading.filename);
  card.append(el('h3', '', reading.filename));
  const line = el('p', 'reading');
  const text = el('span', 'text', reading.text);
  text.setAttribute('aria-label', 'Read ' + reading.text);
  line.append(text, el('span', 'confidence', 'Confidence ' + percent(reading.confidence)));
  if (reading.confidence < UNSURE_BELOW)
    line.append(el('span', 'hint unsure', 'Not sure of this reading: check each digit below'));
  if (reading.skipped.length > 0)
    line.append(
      el(
        'span',
        'hint',
        reading.skipped.length + ' mark' + (reading.skipped.length === 1 ? '' : 's') + ' skipped (dashed)',
      ),
    );
  card.append(line);
  if (sourceUrl) {
    const figure = el('figure', 'shown');
    figure.append(sourceImage(sourceUrl));
    drawBoxes(figure, reading);
    const caption = el('figcaption', '', 'Your picture, a box around each digit');
    const wrap = el('div');
    wrap.append(figure, caption);
    card.append(wrap);
  }
  const list = el('ol', 'digits');
  list.setAttribute('aria-label', 'Digits, left to right');
  reading.digits.forEach((d, i) => list.append(renderDigit(d, i)));
  card.append(list);
  return card;
}

/** A card for a file the server could not read: its name, the picture, what went wrong and what to try. */
function renderFailure(name: string, sourceUrl: string | null, failure: Failure): HTMLElement {
  const card = el('article', 'result failed');
  card.setAttribute('aria-label', 'Result for ' + name);
  card.append(el('h3', '', name));
  // The message first: the picture loads later and must not push the answer out of view.
  card.append(el('p', 'error', failure.message));
  card.append(el('p', 'hint', hintFor(failure.code)));
  if (sourceUrl) {
    const figure = el('figure', 'shown');
    figure.append(sourceImage(sourceUrl), el('figcaption', '', 'Your picture'));
    card.append(figure);
  }
  return card;
}

/** Brings an answer into view when it is not (scrolling only as far as needed). */
function reveal(node: Element): void {
  const rect = node.getBoundingClientRect();
  if (rect.top < 0 || rect.bottom > window.innerHeight) node.scrollIntoView({ block: 'nearest' });
}

function setStatus(text: string, isError: boolean): void {
  const status = $('status');
  status.textContent = text;
  status.className = isError ? 'status error' : 'status';
}

/** Reads one picture: the reading, or the failure to show. */
async function readPicture(body: BodyInit, url: string, signal?: AbortSignal): Promise<ReadingBody | Failure> {
  const init: RequestInit = { method: 'POST', body, ...(signal ? { signal } : {}) };
  if (body instanceof Blob) init.headers = { 'content-type': 'image/png' };
  const response = await fetch(url, init);
  if (!response.ok) return errorOf(response);
  const answer = (await response.json()) as ReadResponse;
  const [reading] = answer.readings;
  return reading ?? { code: '', message: 'the server answered no reading' };
}

/**
 * The reader works on pictures of at most this many pixels along the longer side (WORKING_SIZE in
 * src/read/ink.ts) and shrinks larger ones itself, after decoding every pixel: a 12-megapixel phone photo spent a
 * median 1.9 s of the server's time in the JPEG decoder alone (`npm run bench:page-photos`, 2-core AMD EPYC), for a
 * picture it then shrank 4x.
 */
const READ_WORKING_SIZE = 1024;
/** JPEG quality of a shrunk photo: its artefacts stay far below the reader's noise floor. */
const SHRUNK_QUALITY = 0.95;

/**
 * What the server decodes itself, told by the file's first bytes (a dropped file's type may be empty or wrong), as
 * src/image/format.ts tells it on the server: the page imports no code, only types.
 */
async function sniff(file: Blob): Promise<'png' | 'jpeg' | 'other'> {
  const head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
  if (head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47) return 'png';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  return 'other';
}

/**
 * The picture to send for `file`. A PNG goes as it is (it may be a block-enlarged digit the reader undoes, or a
 * drawing whose transparency a canvas would round), and so does a JPEG of at most the reader's working size. A
 * larger JPEG is shrunk to that size in the browser, whose decoder is native, as the server would have shrunk it,
 * and sent upright (the browser applies its Exif orientation). Any other picture the browser can show (WebP, GIF,
 * AVIF, BMP; HEIC in Safari), which the API does not take, is sent as a PNG of what the browser shows, shrunk the
 * same way. Boxes come back in the sent picture's pixels and are drawn as shares of its size, so they land on the
 * original as shown. What the browser cannot decode goes as it is, for the server to say what is wrong.
 */
async function fitForReading(file: File): Promise<Blob> {
  let bitmap: ImageBitmap | undefined;
  try {
    const kind = await sniff(file);
    if (kind === 'png' || typeof createImageBitmap !== 'function') return file;
    bitmap = await createImageBitmap(file);
    const longer = Math.max(bitmap.width, bitmap.height);
    if (kind === 'jpeg' && longer <= READ_WORKING_SIZE) return file;
    const scale = Math.min(1, READ_WORKING_SIZE / longer);
    const canvas = el('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    const context = canvas.getContext('2d');
    if (context === null) return file;
    context.imageSmoothingEnabled = true;
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const type = kind === 'jpeg' ? 'image/jpeg' : 'image/png';
    const sent = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, type, SHRUNK_QUALITY));
    return sent ?? file;
  } catch {
    return file;
  } finally {
    bitmap?.close();
  }
}

async function uploadFiles(files: FileList | readonly File[]): Promise<void> {
  const images = Array.from(files);
  const results = $('results');
  // Cleared first, so an answer never sits beside the cards of an earlier upload.
  results.replaceChildren();
  if (images.length === 0) return;
  setStatus('Reading ' + images.length + (images.length === 1 ? ' picture…' : ' pictures…'), false);
  // One request per file, so one unreadable file does not hide the others' results; cards keep the file order.
  const slots = images.map(() => results.appendChild(el('div')));
  let failures = 0;
  await Promise.all(
    images.map(async (file, i) => {
      const form = new FormData();
      form.append('file', await fitForReading(file), file.name || 'pasted.png');
      // Every card shows the picture as the user sent it, also when the answer is an error.
      const sourceUrl = URL.createObjectURL(file);
      const name = file.name || 'pasted image';
      let card: HTMLElement;
      try {
        const answer = await readPicture(form, READ_URL);
        card = 'text' in answer ? renderReading(answer, sourceUrl) : renderFailure(name, sourceUrl, answer);
        if (!('text' in answer)) failures++;
      } catch {
        failures++;
        card = renderFailure(name, sourceUrl, { code: '', message: 'Network error: the server did not answer.' });
      }
      slots[i]!.replaceWith(card);
    }),
  );
  const ok = images.length - failures;
  setStatus(ok + ' of ' + images.length + (images.length === 1 ? ' image' : ' images') + ' read.', failures > 0);
  const first = results.querySelector('.reading, .error');
  if (first) reveal(first);
}

function setUpUpload(): void {
  const input = $<HTMLInputElement>('files');
  input.addEventListener('change', () => {
    if (input.files && input.files.length > 0) void uploadFiles(input.files);
  });
  const zone = $('dropzone');
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    if (event.dataTransfer && event.dataTransfer.files.length > 0) void uploadFiles(event.dataTransfer.files);
  });
  document.addEventListener('paste', (event) => {
    const files = event.clipboardData ? Array.from(event.clipboardData.files) : [];
    if (files.length > 0) {
      event.preventDefault();
      void uploadFiles(files);
    }
  });
}

function setUpDrawing(): void {
  const canvas = $<HTMLCanvasElement>('pad');
  const context = canvas.getContext('2d');
  if (context === null) return; // no 2D canvas: the upload still works
  const ctx = context;
  const output = $('draw-result');
  // The canvas sits in a frame that carries the digit boxes of the last reading.
  const frame = el('div', 'shown');
  canvas.replaceWith(frame);
  frame.append(canvas);
  let drawing = false;
  let dirty = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let sequence = 0;
  let controller: AbortController | null = null;

  function reset(): void {
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    dirty = false;
    for (const old of Array.from(frame.querySelectorAll('.box'))) old.remove();
  }
  reset();
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.strokeStyle = '#000';
  ctx.lineWidth = 16;

  function point(event: PointerEvent): { x: number; y: number } {
    const rect = canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - rect.left) / rect.width) * canvas.width,
      y: ((event.clientY - rect.top) / rect.height) * canvas.height,
    };
  }

  async function readDrawing(): Promise<void> {
    if (!dirty) return;
    const mine = ++sequence;
    if (controller) controller.abort();
    const own = new AbortController();
    controller = own;
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob || mine !== sequence) return;
    try {
      const answer = await readPicture(blob, READ_URL + '&filename=drawing.png', own.signal);
      if (mine !== sequence) return;
      if ('text' in answer) {
        drawBoxes(frame, answer);
        output.replaceChildren(renderReading(answer, null));
      } else {
        for (const old of Array.from(frame.querySelectorAll('.box'))) old.remove();
        const hint =
          answer.code === 'NO_DIGIT_FOUND'
            ? 'No digit found. Write digits large and dark, side by side.'
            : hintFor(answer.code);
        output.replaceChildren(el('p', 'error', answer.message), el('p', 'hint', hint));
      }
      reveal(output);
    } catch (e) {
      if (e instanceof Error && e.name === 'AbortError') return;
      output.replaceChildren(el('p', 'error', 'Network error'));
    }
  }

  function schedule(): void {
    clearTimeout(timer);
    timer = setTimeout(() => void readDrawing(), DRAW_DEBOUNCE_MS);
  }

  canvas.addEventListener('pointerdown', (event) => {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    drawing = true;
    const p = point(event);
    ctx.beginPath();
    ctx.moveTo(p.x, p.y);
    ctx.lineTo(p.x + 0.01, p.y);
    ctx.stroke();
    dirty = true;
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!drawing) return;
    const p = point(event);
    ctx.lineTo(p.x, p.y);
    ctx.stroke();
    schedule();
  });
  const stop = (): void => {
    if (!drawing) return;
    drawing = false;
    schedule();
  };
  canvas.addEventListener('pointerup', stop);
  canvas.addEventListener('pointercancel', stop);
  $('clear').addEventListener('click', () => {
    sequence++;
    clearTimeout(timer);
    if (controller) controller.abort();
    reset();
    output.replaceChildren();
  });
}

setUpUpload();
setUpDrawing();
