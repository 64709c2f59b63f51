// @ts-check
/**
 * ESLint 9 flat config: typescript-eslint's type-checked rules over every TypeScript file, and the architecture of
 * docs/ARCHITECTURE.md as import boundaries (`no-restricted-imports` per folder). Run with `npm run lint`.
 */
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Node's built-in modules under every name they can be imported by: `fs`, `fs/promises`, `node:fs`, ... */
const NODE_BUILTINS = [...new Set(builtinModules.flatMap((m) => (m.startsWith('node:') ? [m] : [m, `node:${m}`])))];

/** Globals that exist only in Node; a pure module must not touch them (Buffer, process, require, ...). */
const NODE_GLOBALS = ['Buffer', 'process', 'require', '__dirname', '__filename', 'global', 'setImmediate'].map(
  (name) => ({
    name,
    message: 'Pure modules run in browsers and workers too: no Node globals (docs/ARCHITECTURE.md).',
  }),
);

/** Packages a pure module may import: the ones test/package/browser.test.ts proves to run without Node. */
const PURE_PACKAGES = ['jpeg-js', 'pako', 'upng-js', 'zod'];

/**
 * The rules for one folder of src/: unless it is Node code (`node`), no Node built-ins and no Node globals; no
 * package outside `packages` (when given); no relative import into the listed folders.
 * @param {{ files: string[], ignores?: string[], node?: boolean, packages?: string[], folders?: string[], why: string }} rule
 */
function boundary({ files, ignores = [], node = false, packages, folders = [], why }) {
  const patterns = [];
  if (packages !== undefined) {
    patterns.push({
      regex: `^(?!\\.\\.?/|(?:${packages.join('|')})(?:/|$))`,
      message: `Only ${packages.join(', ')} and relative imports here: ${why}`,
    });
  }
  for (const folder of folders) {
    patterns.push({
      regex: `^(\\.\\.?/)+(.*/)?${folder}/`,
      message: `No imports from a ${folder}/ folder here: ${why}`,
    });
  }
  const imports = {
    paths: node ? [] : NODE_BUILTINS.map((name) => ({ name, message: `No Node built-ins here: ${why}` })),
    patterns,
  };
  return {
    files,
    ignores,
    rules: {
      'no-restricted-imports': ['error', imports],
      ...(node ? {} : { 'no-restricted-globals': ['error', ...NODE_GLOBALS] }),
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'src/server/page/script.generated.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // `_`-prefixed and rest-sibling names are the way to drop fields (`const { $id: _id, ...rest } = schema`).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // An `async` function without `await` is how a synchronous throw becomes a rejection (predictors, fakes).
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // Tests and benchmarks read JSON bodies and parsed manifests (`any` by type) and check them with expect.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  // The architecture (docs/ARCHITECTURE.md): pure folders use no Node, and arrows point one way.
  boundary({
    files: ['src/shared/**/*.ts'],
    packages: [],
    folders: ['ml', 'image', 'read', 'training', 'server', 'node', 'cli', 'feedback'],
    why: 'src/shared is the bottom layer every folder may use; it uses nothing.',
  }),
  boundary({
    files: ['src/ml/**/*.ts'],
    packages: PURE_PACKAGES,
    folders: ['image', 'read', 'training', 'server', 'node', 'cli', 'feedback'],
    why: 'src/ml is the pure toolkit; it depends on nothing of ours but src/shared.',
  }),
  boundary({
    files: ['src/image/**/*.ts'],
    packages: PURE_PACKAGES,
    folders: ['ml', 'read', 'training', 'server', 'node', 'cli', 'feedback'],
    why: 'src/image is the pure upload pipeline; it depends on nothing of ours but src/shared.',
  }),
  boundary({
    files: ['src/read/**/*.ts'],
    packages: PURE_PACKAGES,
    folders: ['training', 'server', 'node', 'cli'],
    why: 'the number reader is pure (ml and image only), so browsers and workerd run it too.',
  }),
  boundary({
    files: ['src/training/augment/**/*.ts'],
    packages: PURE_PACKAGES,
    folders: ['server', 'node', 'cli'],
    why: 'pen variants are pure (ml and image only), so any runtime can draw them.',
  }),
  boundary({
    files: ['src/training/*.ts'],
    node: true,
    folders: ['server', 'cli'],
    why: 'training never imports serving.',
  }),
  boundary({
    files: ['src/server/**/*.ts'],
    ignores: ['src/server/node/**', 'src/server/edge/**'],
    packages: [...PURE_PACKAGES, 'hono'],
    folders: ['training', 'node', 'edge', 'cli', 'feedback'],
    why: 'the app is a value that runs on any fetch runtime; its Node and edge entries import it, not the reverse.',
  }),
  boundary({
    files: ['src/server/edge/**/*.ts'],
    packages: [...PURE_PACKAGES, 'hono'],
    folders: ['training', 'node', 'cli', 'feedback'],
    why: 'the workerd entry runs without Node.',
  }),
  boundary({
    files: ['src/server/node/**/*.ts'],
    node: true,
    folders: ['training', 'edge', 'cli'],
    why: 'serving never imports training.',
  }),
  boundary({
    files: ['src/node/**/*.ts'],
    node: true,
    folders: ['image', 'training', 'server', 'cli'],
    why: "src/node holds the toolkit's Node edges; training and serving import it, not the reverse.",
  }),
  boundary({
    files: ['src/feedback/**/*.ts'],
    node: true,
    folders: ['image', 'training', 'server', 'node', 'cli'],
    why: 'the corrections store is a Node edge: the server, the CLI and training import it, not the reverse.',
  }),
  // Plain JavaScript build and config files, outside every tsconfig: linted without types.
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
