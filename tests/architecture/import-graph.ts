// Reads the import graph of src/ from the source text: which file imports which, and whether
// only types cross (an import whose every name is a type is erased from the JavaScript).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const srcRoot = fileURLToPath(new URL('../../src/', import.meta.url));

export interface ImportEdge {
  readonly from: string;
  readonly to: string;
  readonly typeOnly: boolean;
}

export function sourceFiles(dir = srcRoot): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

const IMPORT = /^(import|export)\s+(type\s+)?([^;]*?)\s*from\s*'(\.[^']+|dtde\/provider)'/gm;

/** Package self-references resolve to the entry files they name (package.json `exports`). */
const SELF_REFERENCES: Readonly<Record<string, string>> = { 'dtde/provider': 'provider.ts' };

/** Every relative import of every file under src/, as paths relative to src/. */
export function importEdges(): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of sourceFiles()) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const [, , typeKeyword, names, specifier] = match;
      const self = SELF_REFERENCES[specifier];
      const to = self !== undefined ? join(srcRoot, self) : resolve(dirname(file), specifier.replace(/\.js$/, '.ts'));
      edges.push({ from: rel(file), to: rel(to), typeOnly: typeKeyword !== undefined || allTypeNames(names) });
    }
  }
  return edges;
}

function allTypeNames(names: string): boolean {
  const inner = /^\{([\s\S]*)\}$/.exec(names.trim());
  if (!inner) return false;
  const parts = inner[1]
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  return parts.length > 0 && parts.every((p) => p.startsWith('type '));
}

function rel(file: string): string {
  return relative(srcRoot, file).split('\\').join('/');
}

/** The import cycles of a graph, each as the list of files around it (first file repeated at the end). */
export function findCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const to of next.get(node) ?? []) {
      if (state.get(to) === 'open') cycles.push([...stack.slice(stack.indexOf(to)), to]);
      else if (!state.has(to)) visit(to);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...next.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}
