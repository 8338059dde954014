import fc from 'fast-check';
import { REGIONS } from './random-model.js';
import { nameValueArb, priceArb, scoreArb } from './random-data.js';

// Lambda bodies as source text. dtde parses a lambda's source, so the property test renders
// these bodies into `new Function('c', 'p', 'return <body>;')`, which parseLambda accepts.

export type Col = 'id' | 'region' | 'name' | 'score' | 'price' | 'at' | 'flag';
export const COLS: readonly Col[] = ['id', 'region', 'name', 'score', 'price', 'at', 'flag'];

/** How a column is read where the body is used: `c.score` on rows, `c.s` or `c` after a select. */
export type Access = (col: Col) => string;

/** A body not yet placed: rendered once the accessor is known; `params` says whether it reads `p`. */
export interface Body {
  readonly render: (access: Access) => string;
  readonly params: boolean;
}

const num = (n: number): string => (n < 0 || Object.is(n, -0) ? `(${n})` : String(n));
const str = (s: string): string => JSON.stringify(s);

function body(params: boolean, render: (a: Access) => string): Body {
  return { render, params };
}

const cmpOp = fc.constantFrom('===', '!==', '<', '<=', '>', '>=');
const eqOp = fc.constantFrom('===', '!==');
/** A literal (as source) or a params member, with whether it reads `p`. */
type Operand = { readonly text: string; readonly params: boolean };
const lit = (text: string): Operand => ({ text, params: false });
const param = (text: string): Operand => ({ text, params: true });

const scoreOperand = fc.oneof(
  scoreArb.map((n) => lit(num(n))),
  fc.constant(param('p.a')),
);
const priceOperand = fc.oneof(
  priceArb.map((n) => lit(num(n))),
  fc.constant(param('p.m')),
);
const nameOperand = fc.oneof(
  nameValueArb.map((s) => lit(str(s))),
  fc.constant(param('p.b')),
);
const regionOperand = fc.oneof(
  fc.constantFrom(...REGIONS, 'XX', 'eu').map((s) => lit(str(s))),
  fc.constant(param('p.r')),
);
const idOperand = fc.oneof(
  fc.integer({ min: -500, max: 500 }).map((n) => lit(num(n))),
  fc.constant(param('p.k')),
);

function compare(col: Col, op: fc.Arbitrary<string>, operand: fc.Arbitrary<Operand>): fc.Arbitrary<Body> {
  return fc.tuple(op, operand).map(([o, x]) => body(x.params, (a) => `${a(col)} ${o} ${x.text}`));
}

const fixed = (params: boolean, render: (a: Access) => string): fc.Arbitrary<Body> => fc.constant(body(params, render));

/** Atomic predicates over the columns `cols` can read. */
function atoms(cols: ReadonlySet<Col>): fc.Arbitrary<Body>[] {
  const out: fc.Arbitrary<Body>[] = [];
  if (cols.has('score')) {
    out.push(
      compare('score', cmpOp, scoreOperand),
      compare('score', cmpOp, scoreOperand),
      fixed(true, (a) => `p.list.includes(${a('score')})`),
      fc.integer({ min: -2, max: 2 }).map((n) => body(false, (a) => `${a('score')} % 3 === ${num(n)}`)),
      fixed(true, (a) => `${a('score')} * 2 + 1 > p.a`),
      fc.integer({ min: 0, max: 10 }).map((n) => body(false, (a) => `Math.abs(${a('score')}) <= ${n}`)),
    );
  }
  if (cols.has('price')) {
    out.push(
      compare('price', cmpOp, priceOperand),
      fc.integer({ min: -3, max: 3 }).map((n) => body(false, (a) => `${a('price')} * 100 > ${num(n)}`)),
    );
  }
  if (cols.has('price') && cols.has('score')) out.push(fixed(false, (a) => `${a('price')} > ${a('score')}`));
  if (cols.has('name')) {
    const stringMethod = fc.constantFrom('startsWith', 'endsWith', 'includes');
    out.push(
      compare('name', cmpOp, nameOperand),
      compare('name', eqOp, nameOperand),
      eqOp.map((o) => body(false, (a) => `${a('name')} ${o} null`)),
      fc.tuple(stringMethod, nameOperand).map(([m, x]) => body(x.params, (a) => `${a('name')}.${m}(${x.text})`)),
      fc.tuple(stringMethod, nameOperand).map(([m, x]) => body(x.params, (a) => `${a('name')}.${m}(${x.text})`)),
      nameOperand.map((x) => body(x.params, (a) => `(${a('name')} ?? "") === ${x.text}`)),
      fc.integer({ min: 0, max: 3 }).map((n) => body(false, (a) => `${a('name')}.length > ${n}`)),
      nameOperand.map((x) => body(x.params, (a) => `${a('name')}.toLowerCase() === ${x.text}`)),
      fixed(false, (a) => `!${a('name')}`),
      fixed(true, (a) => `p.names.includes(${a('name')})`),
    );
  }
  if (cols.has('region')) {
    out.push(
      compare('region', eqOp, regionOperand),
      fixed(true, (a) => `p.regions.includes(${a('region')})`),
      fc.subarray([...REGIONS]).map((rs) => body(false, (a) => `${JSON.stringify(rs)}.includes(${a('region')})`)),
      fc.constantFrom('<', '>=').map((o) => body(false, (a) => `${a('region')} ${o} "M"`)),
    );
  }
  if (cols.has('at')) {
    out.push(
      cmpOp.map((o) => body(true, (a) => `${a('at')} ${o} p.d`)),
      fc.integer({ min: 2021, max: 2027 }).map((y) => body(false, (a) => `${a('at')}.getUTCFullYear() === ${y}`)),
      fc.integer({ min: 0, max: 12 }).map((m) => body(false, (a) => `${a('at')}.getUTCMonth() < ${m}`)),
    );
  }
  if (cols.has('flag')) {
    out.push(
      fixed(false, (a) => a('flag')),
      fixed(false, (a) => `!${a('flag')}`),
      fc.constantFrom('true', 'false').map((v) => body(false, (a) => `${a('flag')} === ${v}`)),
    );
  }
  if (cols.has('id'))
    out.push(
      compare('id', cmpOp, idOperand),
      fixed(true, (a) => `p.list.includes(${a('id')})`),
    );
  return out;
}

const not = (b: Body): Body => body(b.params, (a) => `!(${b.render(a)})`);
const join =
  (op: string) =>
  ([l, r]: [Body, Body]): Body =>
    body(l.params || r.params, (a) => `(${l.render(a)}) ${op} (${r.render(a)})`);

const predicateCache = new Map<string, fc.Arbitrary<Body>>();

/** A predicate of up to two levels of `!`, `&&` and `||` over atoms on `cols`. */
export function predicateArb(cols: readonly Col[]): fc.Arbitrary<Body> {
  const key = [...cols].sort().join(',');
  let arb = predicateCache.get(key);
  if (arb === undefined) {
    const atom = fc.oneof(...atoms(new Set(cols)));
    const level = (sub: fc.Arbitrary<Body>): fc.Arbitrary<Body> =>
      fc.oneof(
        { weight: 4, arbitrary: atom },
        { weight: 1, arbitrary: sub.map(not) },
        { weight: 2, arbitrary: fc.tuple(sub, sub).map(join('&&')) },
        { weight: 2, arbitrary: fc.tuple(sub, sub).map(join('||')) },
      );
    arb = level(level(atom));
    predicateCache.set(key, arb);
  }
  return arb;
}

/** Order keys over rows: plain columns and a few computed ones. */
export const rowKeyArb: fc.Arbitrary<Body> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...COLS.filter((c) => c !== 'id')).map((c) => body(false, (a) => a(c))) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom<(a: Access) => string>(
        (a) => `${a('score')} % 3`,
        (a) => `${a('name')} ?? ""`,
        (a) => `${a('name')}.toLowerCase()`,
        (a) => `${a('name')}.length`,
        (a) => `${a('price')} * ${a('score')}`,
        (a) => `${a('flag')} ? ${a('score')} : -${a('score')}`,
        (a) => `${a('at')}.getUTCMonth()`,
      )
      .map((render) => body(false, render)),
  },
);

/** The row accessor: `c.col`. */
export const rowAccess: Access = (col) => `c.${col}`;
