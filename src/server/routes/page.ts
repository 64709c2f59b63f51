import type { Hono } from 'hono';
import { PAGE_HTML } from '../page/html.js';
import { PAGE_JS } from '../page/script.generated.js';
import { PAGE_CSS } from '../page/style.js';

/** Assets change only with a new deploy; a short cache keeps the page fast without serving stale code for long. */
const ASSET_CACHE = 'public, max-age=300';

/**
 * Registers the page (GET /) and its script and stylesheet.
 * @param app - The app to add routes to.
 */
export function registerPageRoutes(app: Hono): void {
  app.get('/', (c) => c.html(PAGE_HTML));
  app.get('/assets/app.js', (c) =>
    c.body(PAGE_JS, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': ASSET_CACHE }),
  );
  app.get('/assets/app.css', (c) =>
    c.body(PAGE_CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': ASSET_CACHE }),
  );
}
