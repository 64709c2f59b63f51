import { builtinModules } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'esbuild';

/**
 * An esbuild plugin that fails the build on any import of a Node built-in, even one a package's `browser` field
 * would quietly stub out, naming the importing file (relative to `root`).
 */
export function noNodeBuiltins(root: string): Plugin {
  const builtins = new Set(builtinModules);
  return {
    name: 'no-node-builtins',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        const name = args.path.startsWith('node:') ? args.path : (args.path.split('/')[0] as string);
        if (name.startsWith('node:') || builtins.has(name)) {
          return {
            errors: [{ text: `${path.relative(root, args.importer)} imports the Node built-in '${args.path}'` }],
          };
        }
        return undefined;
      });
    },
  };
}
