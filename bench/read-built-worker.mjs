/**
 * bench/read.ts's timing of the six-digit pictures on the build: a worker thread started without tsx (plain Node, as
 * the server's own worker threads read), which loads the reader, model and engine from dist/ and reads the pictures it
 * is sent, answering each batch with every read's milliseconds (decode included, PNG data inflated by node:zlib).
 * workerData: { dist: file URL of dist/ with a trailing slash, model: model path or undefined for the shipped one }.
 */
import { performance } from 'node:perf_hooks';
import { URL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

const { dist, model: modelPath } = workerData;
const node = await import(new URL('node/index.js', dist).href);
const reader = await import(new URL('read/index.js', dist).href);
const zlib = await import(new URL('server/node/native-inflate.js', dist).href);
const { model } = await node.loadModelFile(modelPath);
const engine = await node.createModelEngine(model);

parentPort.on('message', (files) => {
  const times = files.map((file) => {
    const start = performance.now();
    try {
      reader.readImage(file, model, engine, { inflate: zlib.nativeInflate });
    } catch (error) {
      // A picture read as no digit is timed all the same; anything else is a broken build.
      if (error?.code !== 'NO_DIGIT_FOUND') throw error;
    }
    return performance.now() - start;
  });
  parentPort.postMessage(times);
});
parentPort.postMessage('ready');
