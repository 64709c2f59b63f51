import { z } from 'zod';

/** The named schemas of the API, published as OpenAPI components (a private registry, not zod's global one). */
export const apiRegistry = z.registry<{ id: string; description?: string }>();

/**
 * The zod schemas of the HTTP API: request bodies are validated with them, and /openapi.json is generated from
 * them, so the documentation cannot drift from what the server accepts and answers.
 */

/** One image in a JSON predict request. */
export const JsonImageSchema = z
  .object({
    filename: z.string().max(255).optional().describe('Echoed back in the prediction; defaults to image-<n>.'),
    data: z.string().min(1).describe('The PNG or JPEG file, base64-encoded (a data: URL prefix is accepted).'),
  })
  .strict();

/** The JSON body of POST /v1/predict. */
export const PredictJsonRequestSchema = z
  .object({ images: z.array(JsonImageSchema).min(1).describe('Images to classify, at most MAX_FILES.') })
  .strict()
  .register(apiRegistry, { id: 'PredictJsonRequest' });

/** One image's prediction. */
export const PredictionSchema = z
  .object({
    filename: z.string(),
    digit: z.number().int().min(0).max(9),
    confidence: z.number().min(0).max(1),
    scores: z.array(z.number()).length(10).describe('Decision value per digit (index = digit); higher wins.'),
    ms: z.number().min(0).describe('Time spent normalizing and classifying this image.'),
    normalized: z
      .string()
      .optional()
      .describe('With ?include=normalized: the 28x28 input the model saw, as a base64 PNG.'),
  })
  .register(apiRegistry, { id: 'Prediction' });

/** What the model answered with, repeated in every predict response so results can be traced to a model. */
export const ModelSummarySchema = z
  .object({
    format: z.number().int(),
    sha256: z.string().nullable(),
    trainedAt: z.string(),
  })
  .register(apiRegistry, { id: 'ModelSummary' });

/** Response of POST /v1/predict. */
export const PredictResponseSchema = z
  .object({ model: ModelSummarySchema, predictions: z.array(PredictionSchema) })
  .register(apiRegistry, { id: 'PredictResponse' });

/** Response of GET /v1/model. */
export const ModelResponseSchema = z
  .object({
    format: z.number().int(),
    sha256: z.string().nullable().describe('SHA-256 of the model file.'),
    trainedAt: z.string().describe('ISO 8601 date of training.'),
    trainSize: z.number().int(),
    testAccuracy: z.number().nullable().describe('Accuracy on the MNIST test set, if it was evaluated.'),
    kernel: z.object({ type: z.string(), degree: z.number(), gamma: z.number(), coef0: z.number() }),
    supportVectorCount: z.number().int(),
    hyperparameters: z.record(z.string(), z.unknown()),
  })
  .register(apiRegistry, { id: 'ModelResponse' });

/** Response of POST /api: file name -> digit as a string (the old app's contract, kept exactly). */
export const LegacyResponseSchema = z.record(z.string(), z.string().regex(/^[0-9]$/)).register(apiRegistry, {
  id: 'LegacyResponse',
  description: 'File name to predicted digit. A repeated file name gets a suffix: "a.png", "a.png (2)", ...',
});

/** Body of every error response. */
export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.string().describe('Stable machine-readable code, e.g. NO_DIGIT_FOUND.'),
      message: z.string(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .register(apiRegistry, { id: 'ErrorBody' });

/** Response of the health endpoints. */
export const HealthSchema = z
  .object({
    status: z.enum(['ok', 'ready', 'loading', 'failed', 'saturated', 'restarting']),
    /** With `saturated`: images waiting (the queue is full). */
    queued: z.number().int().optional(),
    /** With `saturated`: upload bytes held (MAX_BODY_BYTES_IN_FLIGHT is reached). */
    bodyBytes: z.number().int().optional(),
  })
  .register(apiRegistry, { id: 'Health' });

/** The request JSON of POST /v1/predict, after validation. */
export type PredictJsonRequest = z.infer<typeof PredictJsonRequestSchema>;
/** One prediction as answered. */
export type PredictionBody = z.infer<typeof PredictionSchema>;
/** The POST /v1/predict response. */
export type PredictResponse = z.infer<typeof PredictResponseSchema>;
/** The GET /v1/model response. */
export type ModelResponse = z.infer<typeof ModelResponseSchema>;
