/**
 * The page's browser code, served as /assets/app.js (an ES module). One module with no run-time imports: the
 * build (scripts/build-page-script.mjs) transpiles it to JavaScript with TypeScript's own compiler, no bundler,
 * so the Docker build (which installs no native build tools) makes the same asset. Only types come from the
 * server, and they are erased. It talks only to POST /v1/predict?include=normalized and inserts every server- or
 * user-provided text (file names, messages) with textContent, never as HTML.
 */
import type { ErrorCode } from '../../errors.js';
import type { PredictionBody, PredictResponse } from '../../schemas.js';

const PREDICT_URL = '/v1/predict?include=normalized';
const DRAW_DEBOUNCE_MS = 250;

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
    'Try a picture of one digit that fills most of the frame, in focus, dark on a plain light background (or light on dark). Crop away other marks, and avoid heavy shadows.',
  UNSUPPORTED_FORMAT: 'Save or export the picture as PNG or JPEG (a screenshot works too) and upload that.',
  CORRUPT_IMAGE: 'The file looks damaged or incomplete: export or download it again, or take a screenshot of it.',
  IMAGE_TOO_LARGE: 'Crop or resize the picture: a few hundred pixels around the digit are plenty.',
  PAYLOAD_TOO_LARGE: 'Crop or resize the picture: a few hundred pixels around the digit are plenty.',
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
  original.alt = 'The uploaded image';
  original.addEventListener('error', () =>
    original.replaceWith(el('p', 'source-missing', 'The browser cannot show this file either.')),
  );
  original.src = sourceUrl;
  return original;
}

/** A card for a file the server could not read: its name, the picture, what went wrong and what to try. */
function renderFailure(name: string, sourceUrl: string | null, failure: Failure): HTMLElement {
  const card = el('article', 'result failed');
  card.setAttribute('aria-label', 'Result for ' + name);
  card.append(el('h3', '', name));
  if (sourceUrl) {
    const top = el('div', 'top');
    top.append(sourceImage(sourceUrl));
    card.append(top);
  }
  card.append(el('p', 'error', failure.message));
  card.append(el('p', 'hint', hintFor(failure.code)));
  return card;
}

function renderResult(prediction: PredictionBody, sourceUrl: string | null): HTMLElement {
  const card = el('article', 'result');
  card.setAttribute('aria-label', 'Result for ' + prediction.filename);
  card.append(el('h3', '', prediction.filename));
  const top = el('div', 'top');
  const digit = el('div', 'digit', String(prediction.digit));
  digit.setAttribute('aria-label', 'Predicted digit ' + prediction.digit);
  digit.dataset['digit'] = String(prediction.digit);
  top.append(digit);
  if (sourceUrl) top.append(sourceImage(sourceUrl));
  if (prediction.normalized) {
    const seen = el('img');
    seen.src = 'data:image/png;base64,' + prediction.normalized;
    seen.alt = 'The 28 by 28 pixel image the model saw';
    top.append(seen);
  }
  card.append(top);
  card.append(el('p', 'confidence', 'Confidence ' + (prediction.confidence * 100).toFixed(1) + '%'));

  const scores = prediction.scores;
  const min = Math.min(...scores);
  const max = Math.max(...scores);
  const span = max - min || 1;
  const list = el('ol', 'bars');
  list.setAttribute('aria-label', 'Score for each digit');
  scores.forEach((score, d) => {
    const item = el('li', d === prediction.digit ? 'best' : '');
    item.append(el('span', 'label', String(d)));
    const track = el('span', 'track');
    track.setAttribute('aria-hidden', 'true');
    const fill = el('span', 'fill');
    // Set through the CSSOM, which the Content-Security-Policy allows (style attributes in HTML it would not).
    fill.style.width = (((score - min) / span) * 100).toFixed(1) + '%';
    track.append(fill);
    item.append(track);
    item.append(el('span', 'value', score.toFixed(2)));
    list.append(item);
  });
  card.append(list);
  return card;
}

function setStatus(text: string, isError: boolean): void {
  const status = $('status');
  status.textContent = text;
  status.className = isError ? 'status error' : 'status';
}

async function uploadFiles(files: FileList | readonly File[]): Promise<void> {
  const images = Array.from(files).filter((f) => f.type === 'image/png' || f.type === 'image/jpeg' || f.type === '');
  if (images.length === 0) {
    setStatus('Please choose PNG or JPEG images.', true);
    return;
  }
  setStatus('Reading ' + images.length + (images.length === 1 ? ' image…' : ' images…'), false);
  const results = $('results');
  results.replaceChildren();
  let failures = 0;
  // One request per file, so one unreadable file does not hide the others' results.
  await Promise.all(
    images.map(async (file) => {
      const form = new FormData();
      form.append('file', file, file.name || 'pasted.png');
      // Every card shows the picture as the user sent it, also when the answer is an error.
      const sourceUrl = URL.createObjectURL(file);
      const name = file.name || 'pasted image';
      try {
        const response = await fetch(PREDICT_URL, { method: 'POST', body: form });
        if (!response.ok) {
          failures++;
          results.append(renderFailure(name, sourceUrl, await errorOf(response)));
          return;
        }
        const body = (await response.json()) as PredictResponse;
        for (const prediction of body.predictions) results.append(renderResult(prediction, sourceUrl));
      } catch {
        failures++;
        results.append(
          renderFailure(name, sourceUrl, { code: '', message: 'Network error: the server did not answer.' }),
        );
      }
    }),
  );
  const ok = images.length - failures;
  setStatus(ok + ' of ' + images.length + (images.length === 1 ? ' image' : ' images') + ' read.', failures > 0);
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
  let drawing = false;
  let dirty = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let sequence = 0;
  let controller: AbortController | null = null;

  function reset(): void {
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    dirty = false;
  }
  reset();
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.strokeStyle = '#000';
  ctx.lineWidth = 20;

  function point(event: PointerEvent): { x: number; y: number } {
    const rect = canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - rect.left) / rect.width) * canvas.width,
      y: ((event.clientY - rect.top) / rect.height) * canvas.height,
    };
  }

  async function predictDrawing(): Promise<void> {
    if (!dirty) return;
    const mine = ++sequence;
    if (controller) controller.abort();
    const own = new AbortController();
    controller = own;
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob || mine !== sequence) return;
    try {
      const response = await fetch(PREDICT_URL + '&filename=drawing.png', {
        method: 'POST',
        headers: { 'content-type': 'image/png' },
        body: blob,
        signal: own.signal,
      });
      if (mine !== sequence) return;
      if (!response.ok) {
        const failure = await errorOf(response);
        const hint =
          failure.code === 'NO_DIGIT_FOUND'
            ? 'Draw one digit, large, filling most of the square.'
            : hintFor(failure.code);
        output.replaceChildren(el('p', 'hint', failure.message), el('p', 'hint', hint));
        return;
      }
      const body = (await response.json()) as PredictResponse;
      if (mine !== sequence) return;
      const [prediction] = body.predictions;
      if (prediction) output.replaceChildren(renderResult(prediction, null));
    } catch (e) {
      if (e instanceof Error && e.name === 'AbortError') return;
      output.replaceChildren(el('p', 'error', 'Network error'));
    }
  }

  function schedule(): void {
    clearTimeout(timer);
    timer = setTimeout(() => void predictDrawing(), DRAW_DEBOUNCE_MS);
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
