import { describe, expect, it } from 'vitest';
import { publicExports, type PublicExport } from './public-api.js';

/**
 * The public API, entry point by entry point (package.json `exports`: `.`, `./ml`, `./image`, `./read`, `./server`). A
 * change to any list shows up here in review; update deliberately with `npx vitest run test/package -u`.
 */
const ENTRIES = {
  root: 'src/index.ts',
  ml: 'src/ml/index.ts',
  image: 'src/image/index.ts',
  read: 'src/read/index.ts',
  server: 'src/server/index.ts',
} as const;

const api = publicExports(Object.values(ENTRIES));
const exportsOf = (entry: keyof typeof ENTRIES): PublicExport[] => api.get(ENTRIES[entry]) ?? [];
/** `name` for values, `type name` for interfaces and type aliases. */
const listing = (list: readonly PublicExport[]): string[] => list.map((e) => (e.isValue ? e.name : `type ${e.name}`));

/**
 * Exports still without a JSDoc summary. The list may
 * only shrink: a new undocumented export fails, and so does documenting one without removing it here.
 */
const KNOWN_UNDOCUMENTED: string[] = [];

describe('public exports', () => {
  it('mnist-digits/ml', () => {
    expect(listing(exportsOf('ml'))).toMatchInlineSnapshot(`
      [
        "type AssembleInput",
        "type BinarySolution",
        "type BufferAllocator",
        "type ClassSolution",
        "type CountingKernelRows",
        "DEFAULT_TOLERANCE",
        "DIGITS",
        "type Dataset",
        "type EngineBackend",
        "IDX_IMAGES_MAGIC",
        "IDX_LABELS_MAGIC",
        "type IdxImages",
        "type IdxLabels",
        "type ImageMoments",
        "type KernelData",
        "type KernelRowEngine",
        "type KernelRowScratch",
        "type KernelRowStats",
        "type KernelRows",
        "MODEL_FORMAT",
        "MlError",
        "type MlErrorCode",
        "type ModelEngine",
        "type ModelEvaluation",
        "type ModelInfo",
        "type ModelJson",
        "type ModelPlacement",
        "type ModelTraining",
        "type OvrOptions",
        "type PairMatrix",
        "type PlacedKernelData",
        "type PlacedModel",
        "type PolyKernel",
        "type Prediction",
        "type RandomSource",
        "type SecondStage",
        "type SmoOptions",
        "type SmoProgress",
        "type SvmModel",
        "type WasmKernelModules",
        "assembleModel",
        "compileKernelModules",
        "computeKernelRow",
        "createJsEngine",
        "createJsKernelRows",
        "createKernelRowCache",
        "createUncachedKernelRows",
        "createWasmEngine",
        "createWasmKernelRows",
        "decisionValues",
        "decodeBinaryModel",
        "deskew",
        "deskewAll",
        "encodeBinaryModel",
        "evaluateModel",
        "fitTemperature",
        "formatConfusion",
        "imageMoments",
        "isBinaryModel",
        "kernelDiagonal",
        "kernelFromDot",
        "kernelRowScratch",
        "kernelWasmBytes",
        "mulberry32",
        "negativeLogLikelihood",
        "parseModel",
        "perDigitAccuracy",
        "permutation",
        "placeKernelData",
        "placeModel",
        "predict",
        "predictBatch",
        "prepareKernelData",
        "readIdx",
        "readIdxImages",
        "readIdxLabels",
        "scaleGamma",
        "scorePredictions",
        "selectRows",
        "serializeModel",
        "softmaxConfidence",
        "solveBinarySvm",
        "solveDigit",
        "toDataset",
        "trainOneVsRest",
        "wasmSimdAvailable",
        "withModelRecords",
      ]
    `);
  });

  it('mnist-digits/image', () => {
    expect(listing(exportsOf('image'))).toMatchInlineSnapshot(`
      [
        "ConfigError",
        "DEFAULT_IMAGE_LIMITS",
        "type DigitInput",
        "type GrayImage",
        "type GrayPicture",
        "type ImageDecodeOptions",
        "ImageError",
        "type ImageErrorCode",
        "type ImageFormat",
        "type ImageLimits",
        "type Inflate",
        "MNIST_BOX",
        "MNIST_SIZE",
        "type RgbaImage",
        "SUPPORTED_FORMATS_TEXT",
        "centerOfMass",
        "decodeGray",
        "decodeImage",
        "detectFormat",
        "encodeGrayPng",
        "encodePng",
        "imageToDigitInput",
        "normalizeDigit",
        "resolveImageLimits",
        "rgbaToLuminance",
      ]
    `);
  });

  it('mnist-digits/read', () => {
    expect(listing(exportsOf('read'))).toMatchInlineSnapshot(`
      [
        "type Box",
        "DEFAULT_READ_LIMITS",
        "type DigitEvidence",
        "type DigitFloors",
        "MIN_CONFIDENCE",
        "MIN_TOP_SCORE",
        "type ReadDigit",
        "ReadError",
        "type ReadErrorCode",
        "type ReadLimits",
        "type ReadOptions",
        "type Reading",
        "type SkipReason",
        "type SkippedPiece",
        "isDigitLike",
        "readDigits",
        "readImage",
        "resolveReadLimits",
      ]
    `);
  });

  it('mnist-digits/server', () => {
    expect(listing(exportsOf('server'))).toMatchInlineSnapshot(`
      [
        "type AccessLogEntry",
        "type AppOptions",
        "BoxSchema",
        "ConfigError",
        "DEFAULT_MAX_BODY_BYTES",
        "DEFAULT_MAX_BODY_BYTES_IN_FLIGHT",
        "DEFAULT_MAX_FILES",
        "DEFAULT_MAX_IMAGE_PIXELS",
        "DEFAULT_MAX_JSON_BYTES",
        "DEFAULT_MODEL_WAIT_MS",
        "type DigitResult",
        "type ErrorBody",
        "ErrorBodySchema",
        "type ErrorCode",
        "type ErrorIssue",
        "HttpError",
        "IMAGE_ERROR_STATUS",
        "LIMIT_ENV_VARS",
        "LegacyResponseSchema",
        "type ModelDescription",
        "type ModelResponse",
        "ModelResponseSchema",
        "PREDICTOR_ERROR_STATUS",
        "type PredictJsonRequest",
        "PredictJsonRequestSchema",
        "type PredictOptions",
        "type PredictResponse",
        "PredictResponseSchema",
        "type PredictionBody",
        "PredictionSchema",
        "type Predictor",
        "PredictorError",
        "type PredictorErrorCode",
        "type PredictorStats",
        "READ_ERROR_STATUS",
        "type ReadDigitBody",
        "type ReadDigitResult",
        "ReadDigitSchema",
        "type ReadErrorCode",
        "type ReadResponse",
        "ReadResponseSchema",
        "type ReadResult",
        "type ReadingBody",
        "ReadingSchema",
        "type ServerLimits",
        "SkippedPieceSchema",
        "buildOpenApiDocument",
        "createApp",
        "createInProcessPredictor",
        "describeModel",
        "resolveLimits",
        "toHttpError",
      ]
    `);
  });

  it('mnist-digits re-exports all of ./ml, ./image and ./read', () => {
    const root = new Set(listing(exportsOf('root')));
    const missing = [...listing(exportsOf('ml')), ...listing(exportsOf('image')), ...listing(exportsOf('read'))].filter(
      (name) => !root.has(name),
    );
    expect(missing).toEqual([]);
  });

  it('mnist-digits adds the Node edges and the app', () => {
    const pure = new Set([...listing(exportsOf('ml')), ...listing(exportsOf('image')), ...listing(exportsOf('read'))]);
    expect(listing(exportsOf('root')).filter((name) => !pure.has(name))).toMatchInlineSnapshot(`
      [
        "type AppOptions",
        "DEFAULT_DOWNLOAD_DIR",
        "DEFAULT_MODEL_PATH",
        "DEFAULT_SHUTDOWN_GRACE_MS",
        "DataError",
        "type DataErrorCode",
        "type DigitResult",
        "type EngineChoice",
        "type GammaSpec",
        "KERNEL_WASM_FILES",
        "type LoadedModelFile",
        "MNIST_FILES",
        "type MnistData",
        "type MnistSource",
        "type ModelDescription",
        "type ModelEngineOptions",
        "ModelFileError",
        "type ModelFileErrorCode",
        "type ModelSource",
        "type PenVariant",
        "type PredictOptions",
        "type PredictPool",
        "type Predictor",
        "type RunPhase",
        "type RunningServer",
        "type SearchPlan",
        "type SearchResult",
        "type StartOptions",
        "type ThreadedTrainOptions",
        "type TrainEvent",
        "type TrainingLog",
        "type TrainingOptions",
        "type TrainingPlan",
        "type TrainingReport",
        "createApp",
        "createInProcessPredictor",
        "createModelEngine",
        "describeModel",
        "loadKernelModules",
        "loadMnist",
        "loadModelFile",
        "penVariantInput",
        "redrawWithPen",
        "resolveTrainingPlan",
        "runTraining",
        "saveModelFile",
        "startServer",
        "trainOneVsRestThreaded",
      ]
    `);
  });

  it.each(Object.entries(ENTRIES))(
    '%s: the runtime exports are exactly the value exports the types declare',
    async (entry, file) => {
      // A file URL keeps the specifier opaque to Vite, which would otherwise warn about an unanalysable import.
      const module = (await import(/* @vite-ignore */ new URL(`../../${file}`, import.meta.url).href)) as Record<
        string,
        unknown
      >;
      const values = exportsOf(entry as keyof typeof ENTRIES)
        .filter((e) => e.isValue)
        .map((e) => e.name);
      expect(Object.keys(module).sort()).toEqual(values);
    },
  );

  it('every export has a JSDoc summary (the types are the docs)', () => {
    const undocumented = [
      ...new Set(
        [...api.values()]
          .flat()
          .filter((e) => e.doc === '')
          .map((e) => e.name),
      ),
    ].sort();
    expect(undocumented).toEqual([...KNOWN_UNDOCUMENTED].sort());
  });
});
