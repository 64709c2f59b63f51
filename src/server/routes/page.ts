import type { Hono } from 'hono';
import { pageHtml } from '../page/html.js';
import { PAGE_JS } from '../page/script.generated.js';
import { PAGE_CSS } from '../page/style.js';

/** Assets change only with a new deploy; a short cache keeps the page fast without serving stale code for long. */
const ASSET_CACHE = 'public, max-age=300';

/**
 * Registers the page (GET /) and its script and stylesheet.
 * @param app - The app to add routes to.
 * @param options - `feedback`: whether the page offers its correction control (see pageHtml).
 */
export function registerPageRoutes(app: Hono, options: { readonly feedback: boolean }): void {
  const html = pageHtml(options);
  app.get('/', (c) => c.html(html));
  app.get('/assets/app.js', (c) =>
    c.body(PAGE_JS, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': ASSET_CACHE }),
  );
  app.get('/assets/app.css', (c) =>
    c.body(PAGE_CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': ASSET_CACHE }),
  );
}
