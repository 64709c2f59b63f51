/**
 * The upload-and-draw page. Static HTML with no inline script or style (the CSP forbids both); behaviour comes
 * from /assets/app.js and looks from /assets/app.css, both served by the app itself (no CDN).
 */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Handwritten digit recognition</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/app.css">
<script type="module" src="/assets/app.js"></script>
</head>
<body>
<header>
  <h1>Handwritten digit recognition</h1>
  <p>Upload photos or scans of handwritten digits, or draw one. A support vector machine trained on MNIST reads each image.</p>
</header>
<main>
  <section aria-labelledby="upload-title">
    <h2 id="upload-title">Upload images</h2>
    <div id="dropzone" class="dropzone">
      <label for="files">Choose PNG or JPEG images</label>
      <input id="files" name="file" type="file" accept="image/png,image/jpeg" multiple>
      <p class="hint">You can also drag and drop files here, or paste an image anywhere on the page.</p>
    </div>
  </section>
  <section aria-labelledby="draw-title">
    <h2 id="draw-title">Draw a digit</h2>
    <p class="hint" id="draw-hint">Draw with a mouse, finger or pen. The prediction updates as you draw.</p>
    <div class="draw-row">
      <canvas id="pad" width="280" height="280" role="img" aria-label="Drawing area" aria-describedby="draw-hint"></canvas>
      <div class="draw-side">
        <button id="clear" type="button">Clear drawing</button>
        <div id="draw-result" class="results" aria-live="polite"></div>
      </div>
    </div>
  </section>
  <section aria-labelledby="results-title">
    <h2 id="results-title">Results</h2>
    <p id="status" class="status" role="status"></p>
    <div id="results" class="results" aria-live="polite"></div>
  </section>
</main>
<footer><p><a href="/docs">API documentation</a> · <a href="/openapi.json">OpenAPI</a></p></footer>
</body>
</html>
`;
