import * as z from 'zod/mini';
import { useEnglishIssues } from '../ml/zod-english.js';

/** The named schemas of the API, published as OpenAPI components (a private registry, not zod's global one). */
export const apiRegistry = z.registry<{ id: string; description?: string }>();

useEnglishIssues();

/**
 * The zod schemas of the HTTP API: request bodies are validated with them, and /openapi.json is generated from
 * them, so the documentation cannot drift from what the server accepts and answers.
 */

/** One image in a JSON predict request. */
export const JsonImageSchema = z.strictObject({
  filename: z
    .optional(z.string().check(z.maxLength(255)))
    .check(z.describe('Echoed back in the prediction; defaults to image-<n>.')),
  data: z
    .string()
    .check(z.minLength(1), z.describe('The PNG or JPEG file, base64-encoded (a data: URL prefix is accepted).')),
});

/** The JSON body of POST /v1/predict. */
export const PredictJsonRequestSchema = z
  .strictObject({
    images: z.array(JsonImageSchema).check(z.minLength(1), z.describe('Images to classify, at most MAX_FILES.')),
  })
  .register(apiRegistry, { id: 'PredictJsonRequest' });

/** One image's prediction. */
export const PredictionSchema = z
  .object({
    filename: z.string(),
    digit: z.int().check(z.minimum(0), z.maximum(9)),
    confidence: z.number().check(z.minimum(0), z.maximum(1)),
    scores: z
      .array(z.number())
      .check(
        z.length(10),
        z.describe(
          "Decision value per digit (index = digit); higher wins. For a digit of a pair (`pair`), the pair network's log-probability per digit.",
        ),
      ),
    ms: z.number().check(z.minimum(0), z.describe('Time spent normalizing and classifying this image.')),
    normalized: z
      .optional(z.string())
      .check(z.describe('With ?include=normalized: the 28x28 input the model saw, as a base64 PNG.')),
    digitsFound: z
      .int()
      .check(
        z.minimum(0),
        z.describe(
          'How many digits the number reader finds in the picture. More than 1: `digit` is a guess for the whole ' +
            'picture, not a reading of it; send the picture to /v1/read.',
        ),
      ),
    note: z
      .optional(z.string())
      .check(z.describe('Present when digitsFound is more than 1: says so and names /v1/read.')),
  })
  .register(apiRegistry, { id: 'Prediction' });

/** A rectangle in the uploaded picture's pixels. */
export const BoxSchema = z
  .object({
    x: z.int().check(z.minimum(0)),
    y: z.int().check(z.minimum(0)),
    width: z.int().check(z.minimum(1)),
    height: z.int().check(z.minimum(1)),
  })
  .register(apiRegistry, {
    id: 'Box',
    description: "In the uploaded picture's pixels (after EXIF orientation): x to the right, y down.",
  });

/** One digit of a reading. */
export const ReadDigitSchema = z
  .object({
    digit: z.int().check(z.minimum(0), z.maximum(9)),
    confidence: z
      .number()
      .check(z.minimum(0), z.maximum(1), z.describe('Probability of this digit, as /v1/predict gives it.')),
    scores: z
      .array(z.number())
      .check(
        z.length(10),
        z.describe(
          "Decision value per digit (index = digit); higher wins. For a digit of a pair (`pair`), the pair network's log-probability per digit.",
        ),
      ),
    runnerUp: z
      .object({
        digit: z.int().check(z.minimum(0), z.maximum(9)),
        confidence: z.number().check(z.minimum(0), z.maximum(1)),
      })
      .check(z.describe('The second most likely digit and its probability.')),
    box: BoxSchema,
    pair: z
      .optional(z.literal(true))
      .check(
        z.describe(
          'Present when this digit and its neighbour were written into each other and read together by the pair network: `box` and `normalized` are then its side of the pair.',
        ),
      ),
    normalized: z
      .optional(z.string())
      .check(z.describe('With ?include=normalized: the 28x28 picture this digit became, as a base64 PNG.')),
  })
  .register(apiRegistry, { id: 'ReadDigit' });

/** Ink left out of a reading. */
export const SkippedPieceSchema = z
  .object({
    box: BoxSchema,
    reason: z
      .enum(['too-small', 'not-a-digit'])
      .check(z.describe('too-small: a dot or speck beside the digits; not-a-digit: a letter, dash, sign or scribble.')),
  })
  .register(apiRegistry, { id: 'SkippedPiece' });

/** One picture's reading. */
export const ReadingSchema = z
  .object({
    filename: z.string(),
    text: z
      .string()
      .check(z.regex(/^[0-9]+$/), z.describe('The digits in reading order (left to right), e.g. "578618".')),
    confidence: z
      .number()
      .check(
        z.minimum(0),
        z.maximum(1),
        z.describe(
          "Probability that the whole reading is right: from the digits' confidences and how much the reader doubted where one digit ends and the next begins; never above the product of the digits' confidences. A picture of one digit alone, read as its upload is, gets that digit's confidence, as /v1/predict gives it.",
        ),
      ),
    digits: z.array(ReadDigitSchema).check(z.minLength(1)),
    skipped: z.array(SkippedPieceSchema).check(z.describe('Ink left out of text, with where it is.')),
    width: z.int().check(z.minimum(1), z.describe('Width of the picture the boxes refer to.')),
    height: z.int().check(z.minimum(1), z.describe('Height of the picture the boxes refer to.')),
    ms: z.number().check(z.minimum(0), z.describe('Time spent decoding and reading this picture.')),
  })
  .register(apiRegistry, { id: 'Reading' });

/** What the model answered with, repeated in every predict response so results can be traced to a model. */
export const ModelSummarySchema = z
  .object({
    format: z.int(),
    sha256: z.nullable(z.string()),
    trainedAt: z.string(),
  })
  .register(apiRegistry, { id: 'ModelSummary' });

/** Response of POST /v1/predict. */
export const PredictResponseSchema = z
  .object({ model: ModelSummarySchema, predictions: z.array(PredictionSchema) })
  .register(apiRegistry, { id: 'PredictResponse' });

/** Response of POST /v1/read. */
export const ReadResponseSchema = z
  .object({ model: ModelSummarySchema, readings: z.array(ReadingSchema) })
  .register(apiRegistry, { id: 'ReadResponse' });

/** Response of GET /v1/model. */
export const ModelResponseSchema = z
  .object({
    format: z.int(),
    sha256: z.nullable(z.string()).check(z.describe('SHA-256 of the model file.')),
    trainedAt: z.string().check(z.describe('ISO 8601 date of training.')),
    trainSize: z.int(),
    testAccuracy: z.nullable(z.number()).check(z.describe('Accuracy on the MNIST test set, if it was evaluated.')),
    kernel: z.object({ type: z.string(), degree: z.number(), gamma: z.number(), coef0: z.number() }),
    supportVectorCount: z.int(),
    hyperparameters: z.record(z.string(), z.unknown()),
  })
  .register(apiRegistry, { id: 'ModelResponse' });

/** Response of POST /api: file name -> digit as a string (the old app's contract, kept exactly). */
export const LegacyResponseSchema = z.record(z.string(), z.string().check(z.regex(/^[0-9]$/))).register(apiRegistry, {
  id: 'LegacyResponse',
  description: 'File name to predicted digit. A repeated file name gets a suffix: "a.png", "a.png (2)", ...',
});

/** Body of every error response. */
export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.string().check(z.describe('Stable machine-readable code, e.g. NO_DIGIT_FOUND.')),
      message: z.string(),
      issues: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
    }),
  })
  .register(apiRegistry, { id: 'ErrorBody' });

/** Response of the health endpoints. */
export const HealthSchema = z
  .object({
    status: z.enum(['ok', 'ready', 'loading', 'failed', 'saturated', 'restarting']),
    /** With `saturated`: images waiting (the queue is full). */
    queued: z.optional(z.int()),
    /** With `saturated`: upload bytes held (MAX_BODY_BYTES_IN_FLIGHT is reached). */
    bodyBytes: z.optional(z.int()),
  })
  .register(apiRegistry, { id: 'Health' });

/** The request JSON of POST /v1/predict, after validation. */
export type PredictJsonRequest = z.infer<typeof PredictJsonRequestSchema>;
/** One prediction as answered. */
export type PredictionBody = z.infer<typeof PredictionSchema>;
/** The POST /v1/predict response. */
export type PredictResponse = z.infer<typeof PredictResponseSchema>;
/** One reading as answered. */
export type ReadingBody = z.infer<typeof ReadingSchema>;
/** One digit of a reading as answered. */
export type ReadDigitBody = z.infer<typeof ReadDigitSchema>;
/** The POST /v1/read response. */
export type ReadResponse = z.infer<typeof ReadResponseSchema>;
/** The GET /v1/model response. */
export type ModelResponse = z.infer<typeof ModelResponseSchema>;
