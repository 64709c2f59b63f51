import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kernelWasmBytes } from '../../src/ml/engine/wasm/kernel-module.js';
import { s32, u32 } from '../../src/ml/engine/wasm/encode.js';
import {
  createModelEngine,
  KERNEL_WASM_FILES,
  loadKernelModules,
  writeKernelWasmFiles,
} from '../../src/node/kernel-wasm.js';
import { trainTinyModel } from '../helpers/tiny-model.js';

describe('kernel module files', () => {
  it('LEB128 encodes as the WebAssembly spec examples', () => {
    expect(u32(0)).toEqual([0x00]);
    expect(u32(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(s32(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(s32(-1)).toEqual([0x7f]);
    expect(s32(64)).toEqual([0xc0, 0x00]);
  });

  it('writes both variants, which compile and import one memory each', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kernel-wasm-'));
    try {
      const written = await writeKernelWasmFiles(dir);
      expect(written.map((f) => path.basename(f))).toEqual([KERNEL_WASM_FILES.plain, KERNEL_WASM_FILES.shared]);
      for (const [file, shared] of [
        [written[0], false],
        [written[1], true],
      ] as const) {
        const bytes = new Uint8Array(await readFile(file as string));
        expect(bytes).toEqual(kernelWasmBytes(shared));
        const module = await WebAssembly.compile(bytes);
        expect(WebAssembly.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
        expect(WebAssembly.Module.exports(module).map((e) => e.name)).toEqual([
          'dots',
          'scores',
          'kernelRow',
          'stageScores',
          'selectJ',
          'updateGradient',
          'convolve',
        ]);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('makes the engine asked for, WebAssembly by default', async () => {
    const model = trainTinyModel(100);
    expect((await createModelEngine(model)).backend).toBe('wasm-simd');
    expect((await createModelEngine(model, 'js')).backend).toBe('js');
    expect((await loadKernelModules()).shared).toBeInstanceOf(WebAssembly.Module);
  });

  it('uses a kernel module compiled beforehand, and fails with it when its compile failed', async () => {
    const model = trainTinyModel(100);
    const pixels = new Uint8Array(784).fill(128);
    const scores = async (engine: Awaited<ReturnType<typeof createModelEngine>>) => {
      const out = new Float64Array(10);
      engine.decisionValues(pixels, 1, out);
      return [...out];
    };
    const early = await createModelEngine(model, 'auto', { modules: loadKernelModules() });
    expect(early.backend).toBe('wasm-simd');
    expect(await scores(early)).toEqual(await scores(await createModelEngine(model)));
    const broken = Promise.reject(new Error('compile failed'));
    await expect(createModelEngine(model, 'auto', { modules: broken })).rejects.toThrow('compile failed');
  });
});
