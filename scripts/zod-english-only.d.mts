import type { Plugin } from 'esbuild';

/** See zod-english-only.mjs. */
export declare const zodEnglishOnly: Plugin;
