// Random predicates on a shard key `k` (and a non-key column `o`) for property-based tests:
// trees of the operators the resolver reads, rendered to lambda source and parsed for real.
import fc from 'fast-check';
import { parseLambdaSource } from '../../src/linq/parse/parse-lambda.js';
import type { BoundLambda } from '../../src/linq/expression/query-expression.js';

export type Op = '===' | '!==' | '==' | '!=' | '<' | '<=' | '>' | '>=';
export type Tree =
  | { t: 'cmp'; op: Op; value: unknown; keyLeft: boolean; viaParam: boolean }
  | { t: 'in'; values: unknown[]; viaParam: boolean; negate: boolean }
  | { t: 'other'; op: Op; value: number }
  | { t: 'bool'; value: boolean }
  | { t: 'and' | 'or'; l: Tree; r: Tree }
  | { t: 'not'; e: Tree };

const ops: Op[] = ['===', '!==', '==', '!=', '<', '<=', '>', '>='];

export function treeArb(value: fc.Arbitrary<unknown>): fc.Arbitrary<Tree> {
  const atom: fc.Arbitrary<Tree> = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        t: fc.constant('cmp' as const),
        op: fc.constantFrom(...ops),
        value,
        keyLeft: fc.boolean(),
        viaParam: fc.boolean(),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        t: fc.constant('in' as const),
        values: fc.array(value, { maxLength: 3 }),
        viaParam: fc.boolean(),
        negate: fc.boolean(),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ t: fc.constant('other' as const), op: fc.constantFrom(...ops), value: fc.integer({ min: 0, max: 3 }) }),
    },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('bool' as const), value: fc.boolean() }) },
  );
  return fc.letrec<{ tree: Tree }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      atom,
      fc.record({ t: fc.constantFrom('and' as const, 'or' as const), l: tie('tree'), r: tie('tree') }),
      fc.record({ t: fc.constant('not' as const), e: tie('tree') }),
    ),
  })).tree;
}

/** Literals the lambda subset can spell; everything else goes through params. */
function literal(v: unknown): string | undefined {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' && Number.isFinite(v)) return v < 0 ? `(${v})` : String(v);
  if (typeof v === 'boolean' || v === null) return String(v);
  return undefined;
}

export function render(tree: Tree): BoundLambda {
  const params: Record<string, unknown> = {};
  let n = 0;
  const val = (v: unknown, viaParam: boolean): string => {
    const lit = literal(v);
    if (!viaParam && lit !== undefined) return lit;
    const name = `v${n++}`;
    params[name] = v;
    return `p.${name}`;
  };
  const go = (t: Tree): string => {
    switch (t.t) {
      case 'cmp':
        return t.keyLeft ? `c.k ${t.op} ${val(t.value, t.viaParam)}` : `${val(t.value, t.viaParam)} ${t.op} c.k`;
      case 'in': {
        let list: string;
        if (t.viaParam || t.values.some((v) => literal(v) === undefined)) {
          const name = `v${n++}`;
          params[name] = t.values;
          list = `p.${name}`;
        } else list = `[${t.values.map((v) => literal(v)).join(', ')}]`;
        return `${t.negate ? '!' : ''}${list}.includes(c.k)`;
      }
      case 'other':
        return `c.o ${t.op} ${t.value}`;
      case 'bool':
        return String(t.value);
      case 'and':
        return `(${go(t.l)} && ${go(t.r)})`;
      case 'or':
        return `(${go(t.l)} || ${go(t.r)})`;
      case 'not':
        return `!(${go(t.e)})`;
    }
  };
  const body = go(tree);
  const lambda = parseLambdaSource(`(c, p) => ${body}`);
  // Counterexamples print as source and params, not as the whole tree.
  return { lambda, params, [fc.toStringMethod]: () => `${lambda.source} with ${fc.stringify(params)}` } as BoundLambda;
}
