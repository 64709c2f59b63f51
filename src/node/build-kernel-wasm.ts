import { writeKernelWasmFiles } from './kernel-wasm.js';

/** Build step (`npm run build`, after tsc): writes dist/ml/engine/kernel.wasm and kernel-shared.wasm. */
for (const file of await writeKernelWasmFiles()) console.log(`wrote ${file}`);
