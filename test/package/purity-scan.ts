import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

/** One use of a Node-only API in a module that must run anywhere. */
export interface PurityFinding {
  readonly file: string;
  readonly line: number;
  readonly what: string;
}

/** Node's built-in module names without the `node:` prefix (fs, path, worker_threads, ...). */
const BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith('_')).map((m) => m.replace(/^node:/, '')));

/**
 * Globals that exist only in Node. Found as identifiers in the syntax tree, so comments ("no Buffer here") and
 * property names (`options.process`) do not count.
 */
const NODE_GLOBALS = new Set(['Buffer', 'process', 'require', '__dirname', '__filename', 'global', 'setImmediate']);

function isNodeSpecifier(specifier: string): boolean {
  if (specifier.startsWith('node:')) return true;
  const root = specifier.split('/')[0] as string;
  return BUILTINS.has(root);
}

/** True when `node` is a name in a declaration or member position rather than a reference to a global. */
function isNonReference(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return true;
  if (ts.isQualifiedName(parent) && parent.right === node) return true;
  if ((ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent) || ts.isPropertyDeclaration(parent)) && parent.name === node) return true;
  if ((ts.isMethodDeclaration(parent) || ts.isMethodSignature(parent)) && parent.name === node) return true;
  if (ts.isVariableDeclaration(parent) && parent.name === node) return true;
  if (ts.isParameter(parent) && parent.name === node) return true;
  if (ts.isBindingElement(parent) && (parent.name === node || parent.propertyName === node)) return true;
  if (ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent)) return true;
  return false;
}

/** The module specifiers a file imports or re-exports, statically or with `import()`, with their lines. */
export function moduleSpecifiers(source: ts.SourceFile): { specifier: string; line: number }[] {
  const found: { specifier: string; line: number }[] = [];
  const lineOf = (node: ts.Node): number => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, line: lineOf(node) });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg !== undefined && ts.isStringLiteralLike(arg)) found.push({ specifier: arg.text, line: lineOf(node) });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ specifier: node.argument.literal.text, line: lineOf(node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * Finds Node-only APIs in one module's text: `node:` and bare built-in imports (including `import()` and type
 * imports, since a type from `node:` drags @types/node into every consumer) and references to Node globals.
 */
export function scanSource(file: string, text: string): PurityFinding[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const findings: PurityFinding[] = [];
  for (const { specifier, line } of moduleSpecifiers(source)) {
    if (isNodeSpecifier(specifier)) findings.push({ file, line, what: `imports Node built-in '${specifier}'` });
  }
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && NODE_GLOBALS.has(node.text) && !isNonReference(node)) {
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      findings.push({ file, line, what: `uses Node global '${node.text}'` });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return findings;
}

/** Maps a relative import (`./x.js`) to the TypeScript file it names. */
function resolveRelative(from: string, specifier: string): string {
  const target = path.resolve(path.dirname(from), specifier);
  return target.endsWith('.js') ? `${target.slice(0, -3)}.ts` : target;
}

/**
 * Scans the given modules and every module they reach through relative imports. Returns the findings, the files
 * visited, and the bare (package) specifiers met, so a test can hold them to an allowlist.
 */
export function scanModuleGraph(entries: readonly string[]): { findings: PurityFinding[]; files: string[]; packages: Map<string, string[]> } {
  const seen = new Set<string>();
  const findings: PurityFinding[] = [];
  const packages = new Map<string, string[]>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    findings.push(...scanSource(file, text));
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    for (const { specifier } of moduleSpecifiers(source)) {
      // A relative import of a non-code module (an edge worker's `./kernel.wasm`, `./model.json.gz`) is supplied by
      // the runtime, not read as source: nothing to scan.
      if (specifier.startsWith('.')) {
        if (/\.[cm]?[jt]s$/.test(specifier)) queue.push(resolveRelative(file, specifier));
      } else if (!isNodeSpecifier(specifier)) packages.set(specifier, [...(packages.get(specifier) ?? []), file]);
    }
  }
  return { findings, files: [...seen].sort(), packages };
}
