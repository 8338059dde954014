// The folder structure is the architecture (docs/architecture.md): imports flow one way between
// folders, and no module imports itself back through others. A new cycle or a wrong-way import
// fails here with the files that form it.
import { describe, expect, it } from 'vitest';
import { findCycles, importEdges, type ImportEdge } from './import-graph.js';

/** What each folder of src/ may import (besides itself). `errors` is shared by all. */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  errors: [],
  linq: ['errors'],
  metadata: ['errors', 'linq'],
  routing: ['errors', 'linq', 'metadata'],
  sql: ['errors', 'metadata'],
  planner: ['errors', 'linq', 'metadata', 'routing', 'sql'],
  providers: ['errors', 'metadata', 'sql'],
  execution: ['errors', 'linq', 'metadata', 'planner', 'sql', 'providers'],
  schema: ['errors', 'metadata', 'sql', 'providers'],
  writes: ['errors', 'linq', 'metadata', 'routing', 'planner', 'sql', 'providers', 'execution'],
  context: ['errors', 'linq', 'metadata', 'execution', 'providers', 'schema', 'writes'],
};

/** Folders of src/linq, in the order they may import each other (earlier ones never import later ones). */
const LINQ_ORDER = ['expression', 'parse', 'evaluate', 'query'];

const folder = (file: string) => (file.includes('/') ? file.split('/')[0] : '(entry)');

describe('src/ import graph', () => {
  const edges = importEdges();

  it('reads a realistic graph (the rules below are not vacuous)', () => {
    expect(edges.length).toBeGreaterThan(300);
    expect(edges.some((e) => e.from === 'providers/provider.ts' && e.to === 'provider.ts' && e.typeOnly)).toBe(true);
    expect(edges.some((e) => e.from === 'planner/plan-query.ts' && e.to === 'routing/resolve-shards.ts')).toBe(true);
  });

  it('has no import cycle', () => {
    // Type-only imports are erased from the JavaScript and cannot change load order, so two
    // modules may name each other's types (Queryable.groupBy returns a GroupedQueryable whose
    // select returns a Queryable); every import that survives compilation counts.
    expect(findCycles(edges.filter((e) => !e.typeOnly))).toEqual([]);
  });

  it('finds a cycle when there is one (the check can fail)', () => {
    const planted: ImportEdge[] = [
      { from: 'a.ts', to: 'b.ts', typeOnly: false },
      { from: 'b.ts', to: 'c.ts', typeOnly: false },
      { from: 'c.ts', to: 'a.ts', typeOnly: false },
    ];
    expect(findCycles(planted)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  });

  it('imports flow one way between folders', () => {
    const wrong = edges
      .filter((e) => folder(e.from) !== '(entry)' && folder(e.from) !== folder(e.to))
      // Public types are named through the entry they are published from, so the API report
      // attributes them to it; such an import is type-only and erased.
      .filter((e) => !(folder(e.to) === '(entry)' && e.typeOnly))
      .filter((e) => !(ALLOWED[folder(e.from)] ?? []).includes(folder(e.to)))
      .map((e) => `${e.from} -> ${e.to}`);
    expect(wrong).toEqual([]);
  });

  it('inside src/linq, expression <- parse <- evaluate <- query', () => {
    const rank = (file: string) => LINQ_ORDER.indexOf(file.split('/')[1]);
    const wrong = edges
      .filter((e) => folder(e.from) === 'linq' && folder(e.to) === 'linq' && rank(e.to) > rank(e.from))
      .map((e) => `${e.from} -> ${e.to}`);
    expect(wrong).toEqual([]);
  });

  it('every folder of src/ has rules', () => {
    const folders = new Set(edges.map((e) => folder(e.from)).filter((f) => f !== '(entry)'));
    expect([...folders].filter((f) => !(f in ALLOWED))).toEqual([]);
  });
});
