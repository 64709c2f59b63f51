import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../../src/server/openapi.js';
import { renderDocsPage } from '../../../src/server/page/docs.js';

const html = renderDocsPage(buildOpenApiDocument('1.2.3'));
/** The page's visible text: tags dropped, entities left (none of them is a backtick). */
const text = html.replace(/<[^>]*>/g, ' ');

/** The HTML of one operation's section. */
function section(title: string): string {
  const start = html.indexOf(`<h2><code>${title}</code></h2>`);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = html.indexOf('<section>', start + 1);
  return html.slice(start, end < 0 ? undefined : end);
}

describe('/docs, the API reference', () => {
  it('renders descriptions as prose: `code` spans become <code>, no literal backtick is left', () => {
    expect(text).not.toContain('`');
    expect(section('POST /v1/read')).toContain('<code>text</code>');
  });

  it.each(['POST /v1/predict', 'POST /v1/read'])('lists the include and filename query parameters of %s', (op) => {
    const own = section(op);
    expect(own).toMatch(
      /<td><code>include<\/code> <small>\(query, optional\)<\/small><\/td><td><code>&#34;normalized&#34;<\/code>/,
    );
    expect(own).toContain('<code>filename</code>');
    expect(own).toContain('href="#PredictJsonRequest"');
  });

  it('shows each schema as a table of fields with their meaning, not raw JSON Schema', () => {
    expect(html).not.toContain('"properties"');
    const reading = html.slice(html.indexOf('<h3 id="Reading">'), html.indexOf('<h3 id="ReadResponse">'));
    expect(reading).toContain('<td><code>digits</code></td><td>array of <a href="#ReadDigit">ReadDigit</a></td>');
    expect(reading).toContain('The digits in reading order');
    expect(html).toMatch(/<td><code>note<\/code> <small>\(optional\)<\/small><\/td>/);
  });
});
