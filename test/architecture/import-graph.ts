import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, posix, relative, sep } from 'node:path';
import ts from 'typescript';

/**
 * The import lines of the repository's TypeScript files, resolved: what `test/architecture/imports.test.ts` checks
 * the layers against. Parsed with TypeScript's own parser, so multi-line imports, `export … from` and `import()`
 * are read as the compiler reads them.
 */

/** One import line of a file, as written. */
export interface ImportLine {
  specifier: string;
  /** 1-based. */
  line: number;
  /** `import type …`, `export type … from` or `import('…')` in a type: erased from the JavaScript. */
  typeOnly: boolean;
}

/** Where an import leads. Repository paths are relative to the root, with `/`. */
export type ImportTarget =
  | { kind: 'file'; path: string }
  | { kind: 'builtin'; name: string }
  | { kind: 'package'; name: string }
  | { kind: 'unresolved'; reason: string };

export interface ResolvedImport extends ImportLine {
  target: ImportTarget;
}

/** Every scanned file's imports, by repository path. */
export type ImportGraph = ReadonlyMap<string, readonly ResolvedImport[]>;

const NODE_BUILTINS = new Set(builtinModules);
const SOURCE = /\.tsx?$/;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.git']);

function stringArgument(node: ts.Node | undefined): string | undefined {
  return node && ts.isStringLiteralLike(node) ? node.text : undefined;
}

/** The import lines of one file's text; a dynamic `import()` of a computed path is returned as `specifier` `<computed>`. */
export function importLines(fileName: string, text: string): ImportLine[] {
  const kind = fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
  const lines: ImportLine[] = [];
  const add = (node: ts.Node, specifier: string | undefined, typeOnly: boolean) => {
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    lines.push({ specifier: specifier ?? '<computed>', line, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      add(node, stringArgument(node.moduleSpecifier), node.importClause?.isTypeOnly ?? false);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      add(node, stringArgument(node.moduleSpecifier), node.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, stringArgument(node.moduleReference.expression), node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node, stringArgument(node.arguments[0]), false);
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      add(node, ts.isLiteralTypeNode(argument) ? stringArgument(argument.literal) : undefined, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return lines;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The file a relative specifier names: as written, or with the extension or index file the bundler would add. */
function resolveFile(root: string, from: string, specifier: string): ImportTarget {
  const base = join(root, dirname(from), specifier);
  const candidates = [base, base.replace(/\.js$/, '.ts'), base.replace(/\.jsx$/, '.tsx'), `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')];
  const found = candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
  if (!found) return { kind: 'unresolved', reason: `no file ${posix.normalize(posix.join(posix.dirname(from), specifier))}` };
  return { kind: 'file', path: relative(root, found).split(sep).join('/') };
}

export function resolveImport(root: string, from: string, specifier: string): ImportTarget {
  if (specifier === '<computed>') return { kind: 'unresolved', reason: 'a computed path cannot be checked' };
  if (specifier.startsWith('.')) return resolveFile(root, from, specifier);
  if (specifier.startsWith('node:') || NODE_BUILTINS.has(packageName(specifier))) return { kind: 'builtin', name: specifier };
  return { kind: 'package', name: packageName(specifier) };
}

function sourceFiles(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : sourceFiles(root, path);
    return SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The resolved imports of every `.ts`/`.tsx` file under `dirs` (repository folders). */
export function scanImports(root: string, dirs: readonly string[]): ImportGraph {
  const graph = new Map<string, ResolvedImport[]>();
  for (const file of dirs.flatMap((dir) => sourceFiles(root, dir))) {
    const lines = importLines(file, readFileSync(join(root, file), 'utf8'));
    graph.set(file, lines.map((line) => ({ ...line, target: resolveImport(root, file, line.specifier) })));
  }
  return graph;
}
