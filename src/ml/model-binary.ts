import * as z from 'zod/mini';
import { filePairBytes, pairMatrixBytes } from './engine/pairs.js';
import { MlError } from './errors.js';
import { BINARY_MODEL_MAGIC, isBinaryModel } from './model-container.js';
import { encodeFloat64LE, encodeUint32LE } from './little-endian.js';
import { modelFromParts, type DecodeOptions, type ModelArrayBytes, type SvmModel } from './model.js';
import { modelJsonSchema } from './model-schema.js';
import { describeIssues } from './model-value.js';
import { secondStageSchema } from './second-stage.js';
import { PIXELS } from '../shared/mnist.js';
import { useEnglishIssues } from './zod-english.js';

export { BINARY_MODEL_MAGIC, isBinaryModel } from './model-container.js';

/**
 * The binary model file: the one module that writes and reads it. Loading it is a gunzip and a few copies of typed
 * arrays, where the JSON file (model-schema.ts) costs a parse of megabytes of text and a base64 decode: the shipped
 * model loaded in ~500 ms as JSON on a 2-core EPYC, most of the server's start-to-ready time (issue 25).
 *
 * Layout (all integers little-endian):
 *
 *     offset  bytes  what
 *     0       8      magic 89 4D 44 4D 0D 0A 1A 0A ("\x89MDM\r\n\x1a\n": not text, and line-ending or 7-bit
 *                    mangling in transit shows as a bad magic, as in PNG; model-container.ts)
 *     8       4      container version, uint32 (BINARY_CONTAINER_VERSION)
 *     12      4      header length H, uint32
 *     16      H      header: UTF-8 JSON, the JSON file's fields without its base64 `data` (binaryHeaderSchema)
 *     then, each starting at a multiple of 64 (zero padding before it), in this order:
 *             (dim / 2) x 2P        support vectors, uint8, in the plain pair layout: pair row k holds pixels 2k
 *                                   and 2k + 1 of every vector, vector by vector, P = count rounded up to a
 *                                   multiple of 8, the padding vectors zero (the engines' layout, engine/pairs.ts,
 *                                   shuffles each 16-byte block of it; decoding does that in place)
 *             count x 10 x 8        coefficients, float64, sv-major (the JSON file's coefficients.data)
 *             slots x 4             format 2 only: second-stage slots, uint32 (secondStage.slots.data)
 *             slots x 10 x 8        format 2 only: second-stage coefficients, float64, entry-major
 *     and nothing after the last.
 *
 * Every array is stored as the model holds it in memory (the support vectors up to a shuffle within each 16-byte
 * block, done where they lie), at an offset aligned for any element type, so a file read straight into the memory
 * it will be used from is decoded without copying (DecodeOptions.inPlace): the server
 * reads the shipped model into the worker threads' shared memory on a background thread, and the main thread only
 * parses the header (issue 25). Container 1 (sections 8-aligned, support vectors row-major) is still read.
 *
 * The sizes follow from the header's counts, so the reader checks the whole length before it copies anything: a
 * truncated or crafted file costs at most a copy of its own bytes.
 */

/** The container layout above, which the writer writes; the reader also knows 1 (the model's own `format` is in the header). */
export const BINARY_CONTAINER_VERSION = 2;
/** Container versions the reader knows, with each one's section alignment. */
const SECTION_ALIGN: Readonly<Record<number, number>> = { 1: 8, 2: 64 };
const PREFIX_BYTES = 16;
/**
 * The shipped model's header is ~4 KB (records, search results, second-stage fields); a larger one is no model of
 * ours, and refusing it bounds what JSON.parse is given.
 */
const MAX_HEADER_BYTES = 1 << 20;

const arraysOmitted = { data: true } as const;

/** The header: a model file's JSON (modelJsonSchema) with each array's `data` left out and its encoding raw. */
export const binaryHeaderSchema = z.extend(modelJsonSchema, {
  supportVectors: z.extend(z.omit(modelJsonSchema.shape.supportVectors, arraysOmitted), {
    encoding: z.literal('uint8'),
  }),
  coefficients: z.extend(z.omit(modelJsonSchema.shape.coefficients, arraysOmitted), {
    encoding: z.literal('float64le'),
  }),
  secondStage: z.optional(
    z.extend(secondStageSchema, {
      slots: z.extend(z.omit(secondStageSchema.shape.slots, arraysOmitted), { encoding: z.literal('uint32le') }),
      coefficients: z.extend(z.omit(secondStageSchema.shape.coefficients, arraysOmitted), {
        encoding: z.literal('float64le'),
      }),
    }),
  ),
});

/** The header of a binary model file. */
export type BinaryHeader = z.infer<typeof binaryHeaderSchema>;

const aligned = (at: number, to: number): number => Math.ceil(at / to) * to;
const ALIGN = SECTION_ALIGN[BINARY_CONTAINER_VERSION] as number;

/** The header of `model`, its fields in the JSON file's order (so the same model always gives the same bytes). */
function headerOf(model: SvmModel): BinaryHeader {
  const second = model.secondStage;
  return {
    format: model.format,
    type: 'svm-one-vs-rest',
    classes: [...model.classes],
    preprocessing: { ...model.preprocessing },
    kernel: { ...model.kernel },
    supportVectors: { count: model.supportVectorCount, dim: PIXELS, encoding: 'uint8' },
    coefficients: { encoding: 'float64le', layout: 'sv-major' },
    biases: [...model.biases],
    calibration: { ...model.calibration },
    training: model.training,
    evaluation: model.evaluation,
    ...(model.search === undefined ? {} : { search: model.search }),
    ...(second === undefined
      ? {}
      : {
          secondStage: {
            type: 'shifted-support-vectors',
            shifts: second.shifts.map(({ dx, dy }) => ({ dx, dy })),
            gap: second.gap,
            slots: { count: second.slots.length, encoding: 'uint32le' },
            coefficients: { encoding: 'float64le', layout: 'entry-major' },
            biases: [...second.biases],
            calibration: { ...second.calibration },
            routing: { ...second.routing },
          },
        }),
  };
}

/**
 * The binary model file of `model` (uncompressed; the Node writer gzips it). Deterministic: the same model gives
 * the same bytes.
 * @example writeFileSync('model.bin', encodeBinaryModel(model));
 */
export function encodeBinaryModel(model: SvmModel): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify(headerOf(model)));
  const second = model.secondStage;
  const sections = [
    filePairBytes(model.supportVectorPairs),
    encodeFloat64LE(model.coefficients),
    ...(second === undefined ? [] : [encodeUint32LE(second.slots), encodeFloat64LE(second.coefficients)]),
  ];
  let end = aligned(PREFIX_BYTES + header.length, ALIGN);
  const offsets = sections.map((section) => {
    const at = end;
    end = aligned(at + section.length, ALIGN);
    return at;
  });
  // The last section's padding is not written: nothing follows it.
  const out = new Uint8Array((offsets.at(-1) as number) + (sections.at(-1) as Uint8Array).length);
  out.set(BINARY_MODEL_MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, BINARY_CONTAINER_VERSION, true);
  view.setUint32(12, header.length, true);
  out.set(header, PREFIX_BYTES);
  sections.forEach((section, k) => out.set(section, offsets[k]));
  return out;
}

function unreadable(message: string, cause?: unknown): MlError {
  return new MlError('MODEL_UNREADABLE', `binary model file ${message}`, cause === undefined ? {} : { cause });
}

/** The header's JSON, before it is validated. */
function readHeaderJson(bytes: Uint8Array, view: DataView): { json: unknown; end: number; version: number } {
  if (bytes.length < PREFIX_BYTES)
    throw unreadable(`is truncated: ${bytes.length} bytes, its prefix alone is ${PREFIX_BYTES}`);
  if (!isBinaryModel(bytes)) throw unreadable('does not start with the binary model magic number');
  const version = view.getUint32(8, true);
  if (SECTION_ALIGN[version] === undefined)
    throw unreadable(
      `has container version ${version}; this reader knows 1-${BINARY_CONTAINER_VERSION} (a newer mnist-digits wrote it?)`,
    );
  const length = view.getUint32(12, true);
  if (length > MAX_HEADER_BYTES) throw unreadable(`declares a ${length}-byte header, more than ${MAX_HEADER_BYTES}`);
  const end = PREFIX_BYTES + length;
  if (end > bytes.length) throw unreadable(`is truncated: its header needs ${end} bytes, the file has ${bytes.length}`);
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREFIX_BYTES, end));
    return { json: JSON.parse(text) as unknown, end, version };
  } catch (error) {
    throw unreadable(`has a header that is not UTF-8 JSON: ${(error as Error).message}`, error);
  }
}

/**
 * Reads a binary model file (uncompressed): checks the prefix and the length the header implies, then decodes the
 * arrays into a validated model.
 * - `MODEL_UNREADABLE`: not a binary model file (magic, container version), truncated or with bytes past its end,
 *   or a header that is not JSON;
 * - `MODEL_INVALID`: a header that is not a valid model, or arrays that are (non-finite values, slots out of range).
 * @throws MlError `MODEL_UNREADABLE` or `MODEL_INVALID`, the message naming what is wrong
 * @example const model = decodeBinaryModel(readFileSync('model/model.bin'));
 */
export function decodeBinaryModel(bytes: Uint8Array, options: DecodeOptions = {}): SvmModel {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { json, end: headerEnd, version } = readHeaderJson(bytes, view);
  useEnglishIssues();
  const parsed = binaryHeaderSchema.safeParse(json);
  if (!parsed.success)
    throw new MlError(
      'MODEL_INVALID',
      `binary model file header is not a valid model: ${describeIssues(parsed.error)}`,
    );
  const header = parsed.data;
  const count = header.supportVectors.count;
  const slots = header.secondStage?.slots.count;
  // Counts are validated integers, so these sizes are exact (below 2^53) however large a crafted header makes them.
  const dim = header.supportVectors.dim;
  const pairLayout = version >= 2;
  const sizes = [
    pairLayout ? pairMatrixBytes(count, dim) : count * dim,
    count * 80,
    ...(slots === undefined ? [] : [slots * 4, slots * 80]),
  ];
  const align = SECTION_ALIGN[version] as number;
  let end = headerEnd;
  const sections = sizes.map((size) => {
    const at = aligned(end, align);
    end = at + size;
    return { at, size };
  });
  if (end > bytes.length)
    throw unreadable(`is truncated: its header describes ${end} bytes, the file has ${bytes.length}`);
  if (end < bytes.length) throw unreadable(`has ${bytes.length - end} bytes after its last array`);
  const [supportVectors, coefficients, slotBytes, stageCoefficients] = sections.map(({ at, size }) =>
    bytes.subarray(at, at + size),
  );
  const arrays: ModelArrayBytes = {
    ...(pairLayout
      ? { supportVectorPairs: supportVectors as Uint8Array }
      : { supportVectors: supportVectors as Uint8Array }),
    coefficients: coefficients as Uint8Array,
    ...(slotBytes === undefined || stageCoefficients === undefined
      ? {}
      : { secondStage: { slots: slotBytes, coefficients: stageCoefficients } }),
  };
  return modelFromParts(header, arrays, options);
}
