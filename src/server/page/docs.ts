/** Escapes text for HTML element content and attribute values. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

interface Operation {
  summary?: string;
  description?: string;
  requestBody?: { content?: Record<string, unknown> };
  responses?: Record<string, { description?: string }>;
}

/**
 * Renders the OpenAPI document as a plain HTML page (no CDN, no script): each operation with its request types
 * and responses, then the JSON schemas.
 * @param doc - The document from `buildOpenApiDocument`.
 * @returns The /docs page.
 */
export function renderDocsPage(doc: Record<string, unknown>): string {
  const paths = (doc['paths'] ?? {}) as Record<string, Record<string, Operation>>;
  const sections: string[] = [];
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const types = Object.keys(op.requestBody?.content ?? {});
      const responses = Object.entries(op.responses ?? {})
        .map(([status, r]) => `<li><code>${escapeHtml(status)}</code> ${escapeHtml(r.description ?? '')}</li>`)
        .join('');
      sections.push(
        `<section><h2><code>${escapeHtml(method.toUpperCase())} ${escapeHtml(path)}</code></h2>` +
          `<p>${escapeHtml(op.summary ?? '')}</p>` +
          (op.description ? `<p>${escapeHtml(op.description)}</p>` : '') +
          (types.length ? `<p>Request body: ${types.map((t) => `<code>${escapeHtml(t)}</code>`).join(', ')}</p>` : '') +
          `<ul>${responses}</ul></section>`,
      );
    }
  }
  const schemas = (doc['components'] as { schemas?: Record<string, unknown> } | undefined)?.schemas ?? {};
  const schemaBlocks = Object.entries(schemas)
    .map(
      ([id, s]) =>
        `<h3 id="${escapeHtml(id)}">${escapeHtml(id)}</h3><pre>${escapeHtml(JSON.stringify(s, null, 2))}</pre>`,
    )
    .join('');
  const info = (doc['info'] ?? {}) as { title?: string; version?: string; description?: string };
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(info.title ?? 'API')} – API</title><link rel="stylesheet" href="/assets/app.css"></head>
<body><header><h1>${escapeHtml(info.title ?? 'API')} <small>${escapeHtml(info.version ?? '')}</small></h1>
<p>${escapeHtml(info.description ?? '')}</p><p><a href="/openapi.json">openapi.json</a> · <a href="/">Back to the app</a></p></header>
<main>${sections.join('\n')}<section><h2>Schemas</h2>${schemaBlocks}</section></main></body></html>
`;
}
