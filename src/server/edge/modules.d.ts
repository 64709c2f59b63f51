/**
 * Non-JavaScript modules the worker imports. The bundler leaves these imports as they are; the runtime supplies
 * them as modules of the worker: workerd's config (`data = embed`, `wasm = embed`) or wrangler's module rules
 * (`Data`, `CompiledWasm`). See scripts/edge/build.ts and wrangler.jsonc.
 */

/** A data module: the file's bytes. */
declare module '*.bin' {
  const bytes: ArrayBuffer;
  export default bytes;
}

/** A compiled WebAssembly module (workerd refuses to compile WebAssembly from bytes at run time). */
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
