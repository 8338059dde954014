import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFixtures, type ParsedFixture } from './fixtures/parse-fixtures.js';
import { acceptedLambdas, rejectedLambdas } from './fixtures/lambda-fixtures.js';
import { spannedTexts, withoutSpans } from './fixtures/lambda-tree.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const runner = join(repoRoot, 'tests/linq/parse/fixtures/print-parsed-fixtures.ts');

/**
 * Compiles the fixture runner (and the src files it imports) with tsc to ES2022 / NodeNext in a
 * temp folder, runs it with plain node and returns what it printed.
 */
function parseFixturesAfterTsc(outDir: string): Record<string, ParsedFixture> {
  const program = ts.createProgram([runner], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
    // Type checking is `npm run typecheck`'s job (it covers these files); here we only need tsc's emit.
    noCheck: true,
    types: [],
    noLib: true,
    rootDir: repoRoot,
    outDir,
  });
  const emitted = program.emit();
  const diagnostics = [...program.getSyntacticDiagnostics(), ...program.getOptionsDiagnostics(), ...emitted.diagnostics];
  expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  expect(emitted.emitSkipped).toBe(false);

  // The output folder needs what the repo gives the sources: ESM package type and node_modules (acorn).
  writeFileSync(join(outDir, 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(join(repoRoot, 'node_modules'), join(outDir, 'node_modules'), 'dir');
  const stdout = execFileSync(process.execPath, [join(outDir, 'tests/linq/parse/fixtures/print-parsed-fixtures.js')], {
    encoding: 'utf8',
  });
  return JSON.parse(stdout) as Record<string, ParsedFixture>;
}

/** Every span must cover the text its node came from, in whichever source text it was parsed from. */
function expectSpansMatchSource(fixture: ParsedFixture): void {
  for (const { kind, text } of spannedTexts(fixture.tree, fixture.source)) {
    expect(text.length, `${kind} has an empty span`).toBeGreaterThan(0);
    if (kind === 'parameter') expect(text).toMatch(/^[\w$]+$/);
    if (kind === 'lambda') expect(text).toMatch(/=>|function/);
  }
  for (const node of collect(fixture.tree)) {
    if (!node.span) continue;
    const text = fixture.source.slice(node.span.start, node.span.end);
    if (node.kind === 'member')
      expect(text.endsWith(`${node.property}`) || text.endsWith(`${node.property}']`) || text.endsWith(`${node.property}"]`)).toBe(true);
    if (node.kind === 'paramsMember') expect(text.endsWith(String(node.path?.at(-1)))).toBe(true);
  }
}

interface LooseNode {
  kind?: string;
  span?: { start: number; end: number };
  property?: string;
  path?: string[];
}

function collect(tree: unknown): LooseNode[] {
  const out: LooseNode[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach(walk);
      return;
    }
    if (typeof v !== 'object' || v === null) return;
    if (typeof (v as LooseNode).kind === 'string') out.push(v as LooseNode);
    Object.values(v).forEach(walk);
  };
  walk(tree);
  return out;
}

describe('lambdas compiled by tsc (ES2022, NodeNext) and run by plain node', () => {
  let outDir: string;
  let compiled: Record<string, ParsedFixture>;
  let local: Record<string, ParsedFixture>;

  beforeAll(() => {
    outDir = mkdtempSync(join(tmpdir(), 'dtde-parse-lambda-'));
    compiled = parseFixturesAfterTsc(outDir);
    local = parseFixtures();
  });

  afterAll(() => {
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('covers every fixture in both environments', () => {
    const names = [...Object.keys(acceptedLambdas), ...Object.keys(rejectedLambdas)];
    expect(Object.keys(compiled)).toEqual(names);
    expect(Object.keys(local)).toEqual(names);
  });

  it.each(Object.keys(acceptedLambdas))('%s parses to the same tree', (name) => {
    const a = compiled[name];
    const b = local[name];
    expect(a.error).toBeUndefined();
    // Spans and source legitimately differ: vitest re-prints the TypeScript (oxc: double quotes,
    // tabs, reflowed lines) while tsc keeps the original text minus types. Structure must not differ.
    expect(withoutSpans(a.tree)).toEqual(withoutSpans(b.tree));
    // Where both printers produced the same text, the spans must be identical too.
    if (a.source === b.source) expect(a.tree).toEqual(b.tree);
    expectSpansMatchSource(a);
    expectSpansMatchSource(b);
  });

  it.each(Object.keys(rejectedLambdas))('%s is rejected the same way', (name) => {
    expect(compiled[name].error).toBeDefined();
    expect(compiled[name].error).toEqual(local[name].error);
  });

  it('really ran on tsc output: types are gone and the original quotes are kept', () => {
    const source = compiled.computedMember.source;
    expect(source).not.toContain(': Customer');
    expect(source).toBe(`(c) => c['region'] !== "EU"`);
  });
});
