import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { sqlite } from '../../../src/index.js';
import { expectSameAnswer, Oracle, settle } from './oracle.js';
import { type RandomParams, layoutArb, paramsArb, rowsArb } from './random-data.js';
import { declareShards, Item, randomContextClass, type RandomLayout } from './random-model.js';
import { querySpecArb, type QuerySpec, type Step } from './random-query.js';

/** One generated case: where the shards live, what they hold, and what is asked. */
export interface RandomCase {
  readonly layout: RandomLayout;
  readonly rows: readonly Item[];
  readonly params: RandomParams;
  readonly query: QuerySpec;
}

export const randomCaseArb: fc.Arbitrary<RandomCase> = layoutArb.chain((layout) =>
  rowsArb(layout).chain((rows) =>
    fc.record({ params: paramsArb(rows), query: querySpecArb }).map(({ params, query }) => describable({ layout, rows, params, query })),
  ),
);

/** The query as the TypeScript a user would write, for counterexamples. */
export function queryText(q: QuerySpec): string {
  const call = (s: Step): string => {
    if (s.count !== undefined) return `.${s.op}(${s.count})`;
    if (s.body === undefined) return `.${s.op}()`;
    return s.params === true ? `.${s.op}((${s.arg}, p) => ${s.body}, p)` : `.${s.op}((${s.arg}) => ${s.body})`;
  };
  return `q${q.steps.map(call).join('')}${call(q.terminal)}`;
}

function describable(c: RandomCase): RandomCase {
  return Object.assign(c, {
    [fc.toStringMethod]: () =>
      [
        `layout: ${JSON.stringify(c.layout)}`,
        `rows (${c.rows.length}): ${JSON.stringify(c.rows)}`,
        `p = ${JSON.stringify(c.params)}`,
        `query: ${queryText(c.query)}${c.query.ordered ? '   (compared in order)' : ''}`,
      ].join('\n'),
  });
}

type Chain = Record<string, (...args: unknown[]) => unknown>;

/** Builds the generated chain on a query root (the context's set or the oracle's) and runs its terminal. */
export function runQuery(root: unknown, q: QuerySpec, params: RandomParams): Promise<unknown> {
  const apply = (target: Chain, s: Step): unknown => {
    if (s.count !== undefined) return target[s.op](s.count);
    if (s.body === undefined) return target[s.op]();
    const source = `return ${s.body};`;
    return s.params === true ? target[s.op](new Function(s.arg!, 'p', source), params) : target[s.op](new Function(s.arg!, source));
  };
  let chain = root as Chain;
  for (const s of q.steps) chain = apply(chain, s) as Chain;
  return apply(chain, q.terminal) as Promise<unknown>;
}

/**
 * Loads the case into fresh SQLite files under `dir`, runs the query on the engine and on the
 * in-memory oracle, and expects the same answer (in order when the query is totally ordered) or
 * the same error class.
 */
export async function checkRandomCase(c: RandomCase, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const Context = randomContextClass(c.layout);
  const ctx = new Context({ provider: sqlite({ file: join(dir, 'main.db') }), shards: declareShards(c.layout) });
  try {
    await ctx.ensureCreated();
    if (c.rows.length > 0) await ctx.bulkInsert(Item, c.rows);
    const oracle = new Oracle([[Item, c.rows]]);
    const expected = await settle(() => runQuery(oracle.root(Item), c.query, c.params));
    const actual = await settle(() => runQuery(ctx.set(Item), c.query, c.params));
    expectSameAnswer(actual, expected, c.query.ordered);
  } finally {
    await ctx.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
