/** Escapes text for HTML element content and attribute values. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/**
 * Escapes prose and turns its `backticked` spans into <code>: descriptions are written in that light Markdown.
 * Splitting on the backtick is linear; no regular expression backtracks over the text.
 */
function prose(text: string): string {
  return text
    .split('`')
    .map((part, i) => (i % 2 === 1 ? `<code>${escapeHtml(part)}</code>` : escapeHtml(part)))
    .join('');
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: { type?: string; enum?: readonly string[] };
}

interface Operation {
  summary?: string;
  description?: string;
  parameters?: readonly Parameter[];
  requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: { $ref?: string } }> }>;
}

interface JsonSchema {
  type?: string | readonly string[];
  description?: string;
  enum?: readonly unknown[];
  items?: JsonSchema;
  $ref?: string;
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  additionalProperties?: JsonSchema | boolean;
  anyOf?: readonly JsonSchema[];
  minimum?: number;
  maximum?: number;
  pattern?: string;
}

/** A link to a schema's section, from its `$ref`. */
function refLink(ref: string): string {
  const id = ref.split('/').pop() ?? ref;
  return `<a href="#${escapeHtml(id)}">${escapeHtml(id)}</a>`;
}

/** A schema's type in a few words: `integer 0..9`, `array of ReadDigit`, `"a" | "b"`. */
function typeOf(schema: JsonSchema): string {
  if (schema.$ref) return refLink(schema.$ref);
  if (schema.enum) return schema.enum.map((v) => `<code>${escapeHtml(JSON.stringify(v))}</code>`).join(' | ');
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' or ');
  const type = typeof schema.type === 'string' ? schema.type : (schema.type?.join(' or ') ?? 'any');
  if (type === 'array' && schema.items) return `array of ${typeOf(schema.items)}`;
  if (type === 'object' && typeof schema.additionalProperties === 'object')
    return `object of ${typeOf(schema.additionalProperties)}`;
  const range =
    schema.minimum !== undefined || schema.maximum !== undefined
      ? ` ${schema.minimum ?? ''}..${schema.maximum ?? ''}`
      : '';
  return escapeHtml(type + range);
}

/** An object schema as a table of its fields; any other schema as its type and description. */
function schemaTable(schema: JsonSchema): string {
  const rows = Object.entries(schema.properties ?? {}).map(([name, field]) => {
    const required = schema.required?.includes(name) ? '' : ' <small>(optional)</small>';
    const nested = field.properties ? schemaTable(field) : '';
    return `<tr><td><code>${escapeHtml(name)}</code>${required}</td><td>${typeOf(field)}</td><td>${prose(field.description ?? '')}${nested}</td></tr>`;
  });
  if (rows.length === 0) return `<p>${typeOf(schema)}</p>`;
  return `<table><thead><tr><th>Field</th><th>Type</th><th>Meaning</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function parameterTable(parameters: readonly Parameter[]): string {
  if (parameters.length === 0) return '';
  const rows = parameters.map(
    (p) =>
      `<tr><td><code>${escapeHtml(p.name)}</code> <small>(${escapeHtml(p.in)}${p.required ? '' : ', optional'})</small></td>` +
      `<td>${typeOf(p.schema ?? {})}</td><td>${prose(p.description ?? '')}</td></tr>`,
  );
  return `<h3>Parameters</h3><table><thead><tr><th>Name</th><th>Type</th><th>Meaning</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function operationSection(path: string, method: string, op: Operation): string {
  const body = Object.entries(op.requestBody?.content ?? {}).map(
    ([type, c]) => `<li><code>${escapeHtml(type)}</code>${c.schema?.$ref ? `: ${refLink(c.schema.$ref)}` : ''}</li>`,
  );
  const responses = Object.entries(op.responses ?? {}).map(([status, r]) => {
    const ref = Object.values(r.content ?? {})[0]?.schema?.$ref;
    return `<li><code>${escapeHtml(status)}</code> ${prose(r.description ?? '')}${ref ? ` (${refLink(ref)})` : ''}</li>`;
  });
  return (
    `<section><h2><code>${escapeHtml(method.toUpperCase())} ${escapeHtml(path)}</code></h2>` +
    `<p><strong>${prose(op.summary ?? '')}</strong></p>` +
    (op.description ? `<p>${prose(op.description)}</p>` : '') +
    parameterTable(op.parameters ?? []) +
    (body.length ? `<h3>Request body</h3><ul>${body.join('')}</ul>` : '') +
    `<h3>Responses</h3><ul>${responses.join('')}</ul></section>`
  );
}

/**
 * Renders the OpenAPI document as a readable HTML reference (no CDN, no script): each operation with its
 * description, query parameters, request types and responses, then each schema as a table of fields. It fits a
 * 390 px phone: long names wrap, tables take the width.
 * @param doc - The document from `buildOpenApiDocument`.
 * @returns The /docs page.
 */
export function renderDocsPage(doc: Record<string, unknown>): string {
  const paths = (doc['paths'] ?? {}) as Record<string, Record<string, Operation>>;
  const sections = Object.entries(paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => operationSection(path, method, op)),
  );
  const schemas = (doc['components'] as { schemas?: Record<string, JsonSchema> } | undefined)?.schemas ?? {};
  const schemaBlocks = Object.entries(schemas)
    .map(
      ([id, s]) =>
        `<h3 id="${escapeHtml(id)}">${escapeHtml(id)}</h3>` +
        (s.description ? `<p>${prose(s.description)}</p>` : '') +
        schemaTable(s),
    )
    .join('');
  const info = (doc['info'] ?? {}) as { title?: string; version?: string; description?: string };
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(info.title ?? 'API')} – API</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/assets/app.css"></head>
<body class="docs"><header><h1>${escapeHtml(info.title ?? 'API')} <small>${escapeHtml(info.version ?? '')}</small></h1>
<p>${prose(info.description ?? '')}</p><p><a href="/openapi.json">openapi.json</a> · <a href="/">Back to the app</a></p></header>
<main>${sections.join('\n')}<section><h2>Schemas</h2>${schemaBlocks}</section></main></body></html>
`;
}
