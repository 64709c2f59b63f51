/**
 * The upload-and-draw page. Static HTML with no inline script or style (the CSP forbids both); behaviour comes
 * from /assets/app.js and looks from /assets/app.css, both served by the app itself (no CDN). The drawing area
 * and the answer come first, so on a phone (390x844) and a desktop (1280x900) the answer to a drawing shows
 * beside or under it without scrolling; upload answers are brought into view when they arrive.
 * @param options - `feedback`: whether the "wrong? the right digit is ..." control shows (FEEDBACK=on and a
 *   store); the script reads it from the body's data-feedback attribute, the one way server settings reach it.
 * @returns The page's HTML.
 */
export function pageHtml(options: { readonly feedback: boolean }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Handwritten number recognition</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/app.css">
<script type="module" src="/assets/app.js"></script>
</head>
<body data-feedback="${options.feedback ? 'on' : 'off'}">
<header>
  <h1>Handwritten number recognition</h1>
  <p>Write a number, or upload photos or scans of handwritten numbers. Each digit is found, boxed and read by a support vector machine trained on MNIST.</p>
</header>
<main>
  <section aria-labelledby="draw-title">
    <h2 id="draw-title">Write a number</h2>
    <p class="hint" id="draw-hint">Write one or more digits side by side with a mouse, finger or pen. The reading updates as you write.</p>
    <canvas id="pad" width="720" height="240" role="img" aria-label="Drawing area" aria-describedby="draw-hint"></canvas>
    <p><button id="clear" type="button">Clear drawing</button></p>
    <div id="draw-result" class="results" aria-live="polite"></div>
  </section>
  <section aria-labelledby="upload-title">
    <h2 id="upload-title">Upload pictures</h2>
    <div id="dropzone" class="dropzone">
      <label for="files">Choose images</label>
      <input id="files" name="file" type="file" accept="image/*" multiple>
      <p class="hint">PNG, JPEG, or any picture your browser shows (WebP, GIF, ...). You can also drag and drop files here, or paste an image anywhere on the page.</p>
    </div>
    <p id="status" class="status" role="status"></p>
    <div id="results" class="results" aria-live="polite"></div>
  </section>
</main>
<footer><p><a href="/docs">API documentation</a> · <a href="/openapi.json">OpenAPI</a></p></footer>
</body>
</html>
`;
}
