import * as z from 'zod/mini';
import { apiRegistry } from './schemas.js';

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: string) => ({ 'application/json': { schema: ref(id) } });

function errors(...statuses: number[]): Record<string, unknown> {
  const why: Record<number, string> = {
    400: 'Malformed request, empty or corrupt image',
    408: 'The upload body sent nothing for BODY_IDLE_TIMEOUT_MS',
    413: 'Body, parts, file count or image dimensions over the limit',
    415: 'Unsupported content type or image format',
    422: 'The image decodes but holds no digit (NO_DIGIT_FOUND), or more ink pieces or digits than one reading may cost (TOO_MANY_PIECES, TOO_MANY_DIGITS), or took past the deadline (DEADLINE_EXCEEDED)',
    429: 'Too many uploads arriving at once from this address (Retry-After)',
    503: 'The model is still loading, the server is busy, or it is shutting down (Retry-After)',
  };
  return Object.fromEntries(
    statuses.map((s) => [String(s), { description: why[s] ?? 'Error', content: json('ErrorBody') }]),
  );
}

const uploadErrors = errors(400, 408, 413, 415, 422, 429, 503);

const multipartBody = {
  'multipart/form-data': {
    schema: {
      type: 'object',
      properties: { file: { type: 'array', items: { type: 'string', contentMediaType: 'application/octet-stream' } } },
      required: ['file'],
    },
  },
};

/** The query parameters of the upload routes that take them. */
const uploadParameters = [
  {
    name: 'include',
    in: 'query',
    required: false,
    schema: { type: 'string', enum: ['normalized'] },
    description: 'normalized: also return the 28x28 input the model read, as a base64 PNG',
  },
  {
    name: 'filename',
    in: 'query',
    required: false,
    schema: { type: 'string' },
    description: 'Name echoed back for a raw image body (default: image)',
  },
];

/** The three ways to send pictures, shared by /v1/predict and /v1/read. */
const uploadBody = {
  required: true,
  content: {
    ...multipartBody,
    'application/json': { schema: ref('PredictJsonRequest') },
    'image/png': { schema: { type: 'string', contentMediaType: 'image/png' } },
    'image/jpeg': { schema: { type: 'string', contentMediaType: 'image/jpeg' } },
  },
};

/**
 * Builds the OpenAPI 3.1 document of the API. Component schemas come from the zod schemas through
 * `z.toJSONSchema` (OpenAPI 3.1 uses JSON Schema 2020-12, zod's default target), so they cannot drift.
 * @param version - The package version shown in `info`.
 * @returns The document served at /openapi.json.
 */
export function buildOpenApiDocument(version: string): Record<string, unknown> {
  const generated = z.toJSONSchema(apiRegistry, { uri: (id) => `#/components/schemas/${id}`, io: 'output' });
  const schemas = Object.fromEntries(
    Object.entries(generated.schemas).map(([id, schema]) => {
      const { $schema: _schema, $id: _id, ...rest } = schema as Record<string, unknown>;
      return [id, rest];
    }),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'MNIST digit recognition',
      version,
      description:
        'Classifies handwritten digits in PNG/JPEG images with a kernel SVM. Errors always have the body ' +
        '{ error: { code, message, issues? } }.',
    },
    paths: {
      '/api': {
        post: {
          summary: 'Old contract: file name -> digit',
          description: 'One or more multipart `file` fields. Answers e.g. {"images_test_2.jpg": "2"}.',
          requestBody: { required: true, content: multipartBody },
          responses: {
            '200': { description: 'Digits by file name', content: json('LegacyResponse') },
            ...uploadErrors,
          },
        },
      },
      '/v1/predict': {
        post: {
          summary: 'Classify one or more images, one digit each',
          description:
            'One digit for each whole picture. `digitsFound` counts the digits in it; past 1, `note` says to ' +
            'send the picture to /v1/read instead. Ink that is not a digit (a dot, a scribble, shading) is ' +
            'answered 422 NO_DIGIT_FOUND rather than a digit.',
          parameters: uploadParameters,
          requestBody: uploadBody,
          responses: { '200': { description: 'Predictions', content: json('PredictResponse') }, ...uploadErrors },
        },
      },
      '/v1/read': {
        post: {
          summary: 'Read whole numbers: every digit in each picture, left to right',
          description:
            'One reading per picture: `text` (the digits in reading order), a `confidence` for the whole ' +
            'reading, and each digit with its confidence, runner-up, scores and box in the picture. Marks that ' +
            'are not digits are left out of `text` and listed in `skipped`. Same inputs and limits as ' +
            '/v1/predict.',
          parameters: uploadParameters,
          requestBody: uploadBody,
          responses: { '200': { description: 'Readings', content: json('ReadResponse') }, ...uploadErrors },
        },
      },
      '/v1/model': {
        get: {
          summary: 'The loaded model',
          responses: { '200': { description: 'Model metadata', content: json('ModelResponse') }, ...errors(503) },
        },
      },
      '/healthz': {
        get: { summary: 'Liveness', responses: { '200': { description: 'Alive', content: json('Health') } } },
      },
      '/readyz': {
        get: {
          summary: 'Readiness (model loaded)',
          responses: {
            '200': { description: 'Ready', content: json('Health') },
            '503': { description: 'Loading, failed, saturated or restarting', content: json('Health') },
          },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics',
          responses: { '200': { description: 'Text exposition format', content: { 'text/plain': {} } } },
        },
      },
    },
    components: { schemas },
  };
}
