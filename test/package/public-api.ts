import path from 'node:path';
import ts from 'typescript';

/** One name an entry point exports, as a consumer sees it. */
export interface PublicExport {
  readonly name: string;
  /** False for interfaces and type aliases, which vanish at runtime. */
  readonly isValue: boolean;
  /** The JSDoc summary a consumer's editor shows; empty when the declaration has none. */
  readonly doc: string;
}

/**
 * The exports of each entry module, read with the compiler (so type-only exports count too), sorted by name.
 * @param entries paths relative to the repository root, e.g. `src/ml/index.ts`
 */
export function publicExports(entries: readonly string[]): Map<string, PublicExport[]> {
  const files = entries.map((e) => path.resolve(e));
  const config = ts.getParsedCommandLineOfConfigFile(
    path.resolve('tsconfig.build.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (config === undefined) throw new Error('cannot read tsconfig.build.json');
  const program = ts.createProgram(files, { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  const result = new Map<string, PublicExport[]>();
  entries.forEach((entry, k) => {
    const source = program.getSourceFile(files[k] as string);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (moduleSymbol === undefined) throw new Error(`${entry} is not a module`);
    const list = checker.getExportsOfModule(moduleSymbol).map((symbol) => {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      return {
        name: symbol.name,
        isValue: (target.flags & ts.SymbolFlags.Value) !== 0,
        doc: ts.displayPartsToString(target.getDocumentationComment(checker)).trim(),
      };
    });
    result.set(
      entry,
      list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    );
  });
  return result;
}
