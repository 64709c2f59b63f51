/**
 * An esbuild plugin for the command-line bundle (scripts/bundle-cli.mjs): zod's namespace of translated error
 * messages (`z.locales`: 60-odd languages) becomes an empty module. The server validates with zod's default English
 * messages, which zod registers from its English locale module directly, and never switches language; the other
 * languages were half of the zod chunk the server's main thread parses at start (757 -> 392 KB; import 63 -> 45 ms
 * on a 2-core AMD EPYC, 2026-12-04).
 */
export const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)
        ? { path: 'zod-locales', namespace: 'zod-english-only' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};
