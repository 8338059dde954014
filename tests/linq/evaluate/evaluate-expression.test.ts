import { describe, expect, it } from 'vitest';
import { DtdeTranslationError } from '../../../src/errors/dtde-translation-error.js';
import { evaluateExpression, evaluateLambda } from '../../../src/linq/evaluate/evaluate-expression.js';
import type { EvaluationScope } from '../../../src/linq/evaluate/evaluation-scope.js';
import { roundHalfAwayFromZero } from '../../../src/linq/evaluate/evaluate-call.js';
import type {
  BinaryOperator,
  CallExpression,
  Expression,
  LambdaExpression,
  MethodName,
  ParameterExpression,
} from '../../../src/linq/expression/expression.js';
import { RowGroup } from '../../../src/linq/expression/grouping.js';

// Hand-built trees, independent of the parser.
const rowParam = (depth = 0, name = 'c'): ParameterExpression => ({ kind: 'parameter', name, role: 'row', depth });
const paramsParam: ParameterExpression = { kind: 'parameter', name: 'p', role: 'params', depth: 0 };
const k = (value: string | number | boolean | bigint | null | undefined): Expression => ({ kind: 'constant', value });
const col = (property: string, depth = 0): Expression => ({ kind: 'member', object: rowParam(depth), property });
const pm = (...path: string[]): Expression => ({ kind: 'paramsMember', path });
const bin = (operator: BinaryOperator, left: Expression, right: Expression): Expression => ({ kind: 'binary', operator, left, right });
const call = (method: MethodName, target: Expression | null, ...args: Expression[]): CallExpression => ({
  kind: 'call',
  method,
  target,
  args,
});
const lambda = (body: Expression, depth = 0): LambdaExpression => ({
  kind: 'lambda',
  parameters: [rowParam(depth, depth === 0 ? 'c' : 'o')],
  body,
  source: '(hand-built)',
});

const scope = (row: unknown, params: Record<string, unknown> = {}): EvaluationScope => ({ rows: [row], params });
const ev = (node: Expression, row: unknown = {}, params: Record<string, unknown> = {}) => evaluateExpression(node, scope(row, params));

describe('evaluateExpression: leaves', () => {
  it('constant returns its value', () => {
    expect(ev(k(42))).toBe(42);
    expect(ev(k(5n))).toBe(5n);
    expect(ev(k(null))).toBeNull();
  });

  it('parameter binds row by depth and params by role', () => {
    const row = { id: 1 };
    const params = { min: 2 };
    expect(ev(rowParam(), row, params)).toBe(row);
    expect(ev(paramsParam, row, params)).toBe(params);
    expect(evaluateExpression(rowParam(1), { rows: ['outer', 'inner'], params: {} })).toBe('inner');
  });

  it('an unbound depth is an error naming the parameter', () => {
    expect(() => ev(rowParam(2, 'x'))).toThrow(/Parameter 'x' \(depth 2\) is not bound/);
  });

  it('paramsMember walks its path; a missing step is undefined', () => {
    const params = { range: { from: 3 }, list: ['EU'] };
    expect(ev(pm('range', 'from'), {}, params)).toBe(3);
    expect(ev(pm('list'), {}, params)).toEqual(['EU']);
    expect(ev(pm('nope', 'deeper'), {}, params)).toBeUndefined();
  });

  it('member reads a property; a property of null is null', () => {
    expect(ev(col('name'), { name: 'Ada' })).toBe('Ada');
    expect(ev({ kind: 'member', object: col('address'), property: 'city' }, { address: null })).toBeNull();
    expect(ev(col('missing'), {})).toBeUndefined();
  });

  it('member on a primitive other than string length is an error', () => {
    expect(() => ev({ kind: 'member', object: col('n'), property: 'foo' }, { n: 1 })).toThrow(DtdeTranslationError);
  });

  it('a bare lambda has no value', () => {
    expect(() => ev(lambda(k(1)))).toThrow(/argument of a group aggregate/);
  });
});

describe('evaluateExpression: equality (null, Date, bigint)', () => {
  it('=== and == treat null and undefined as equal (a missing column is null)', () => {
    for (const op of ['===', '=='] as const) {
      expect(ev(bin(op, col('x'), k(null)), { x: undefined })).toBe(true);
      expect(ev(bin(op, col('x'), k(null)), {})).toBe(true);
      expect(ev(bin(op, col('x'), k(undefined)), { x: null })).toBe(true);
      expect(ev(bin(op, col('x'), k(null)), { x: 0 })).toBe(false);
    }
  });

  it('!== matches null rows (JS semantics: null !== "a")', () => {
    expect(ev(bin('!==', col('x'), k('a')), { x: null })).toBe(true);
    expect(ev(bin('!=', col('x'), k(null)), { x: undefined })).toBe(false);
    expect(ev(bin('!==', col('x'), k('a')), { x: 'a' })).toBe(false);
  });

  it('two Dates with the same instant are equal (JS === would say false)', () => {
    const row = { d: new Date('2024-05-01T00:00:00Z') };
    expect(ev(bin('===', col('d'), pm('d')), row, { d: new Date('2024-05-01T00:00:00Z') })).toBe(true);
    expect(ev(bin('!==', col('d'), pm('d')), row, { d: new Date('2024-05-01T00:00:00.001Z') })).toBe(true);
  });

  it('a number equals a bigint of the same value; no string coercion even with ==', () => {
    expect(ev(bin('===', col('n'), k(5n)), { n: 5 })).toBe(true);
    expect(ev(bin('==', col('n'), k('5')), { n: 5 })).toBe(false);
  });
});

describe('evaluateExpression: relational comparisons', () => {
  it('compare numbers, strings by code point, booleans', () => {
    expect(ev(bin('<', col('n'), k(3)), { n: 2 })).toBe(true);
    expect(ev(bin('>=', col('n'), k(3)), { n: 3 })).toBe(true);
    expect(ev(bin('>', col('s'), k('a')), { s: 'b' })).toBe(true);
    // U+FF5E (BMP) vs U+1F600 (astral): code point order puts the astral one after; UTF-16 order would not.
    expect(ev(bin('<', col('s'), k('\u{1F600}')), { s: '\uFF5E' })).toBe(true);
    expect(ev(bin('<', col('b'), k(true)), { b: false })).toBe(true);
  });

  it('any null or undefined side is false for every relational operator', () => {
    for (const op of ['<', '<=', '>', '>='] as const) {
      expect(ev(bin(op, col('n'), k(1)), { n: null })).toBe(false);
      expect(ev(bin(op, k(1), col('n')), {})).toBe(false);
    }
  });

  it('Dates compare by instant and bigints exactly, also against numbers', () => {
    const row = { d: new Date('2024-01-01T00:00:00Z'), big: 2n ** 60n + 1n };
    expect(ev(bin('<', col('d'), pm('cut')), row, { cut: new Date('2024-06-01T00:00:00Z') })).toBe(true);
    expect(ev(bin('>', col('big'), k(2n ** 60n)), row)).toBe(true);
    expect(ev(bin('<=', col('big'), k(2 ** 60)), row)).toBe(false); // 2^60 as a number is exact; big is one above
  });
});

describe('evaluateExpression: logical, unary, conditional', () => {
  it('&& and || short-circuit and return an operand like JS', () => {
    expect(ev(bin('&&', k(0), col('boom')), {})).toBe(0);
    expect(ev(bin('||', k(''), k('x')))).toBe('x');
    expect(ev(bin('&&', k(true), bin('>', col('n'), k(1))), { n: 2 })).toBe(true);
    // The right side is not evaluated when the left decides: no error from the unbound parameter.
    expect(ev(bin('||', k(true), rowParam(5)))).toBe(true);
  });

  it('?? replaces null and undefined only', () => {
    expect(ev(bin('??', col('x'), k('d')), { x: null })).toBe('d');
    expect(ev(bin('??', col('x'), k('d')), {})).toBe('d');
    expect(ev(bin('??', col('x'), k('d')), { x: 0 })).toBe(0);
  });

  it('! is JS negation of truthiness; unary - negates, keeps bigint, null stays null', () => {
    expect(ev({ kind: 'unary', operator: '!', operand: col('x') }, { x: null })).toBe(true);
    expect(ev({ kind: 'unary', operator: '!', operand: col('x') }, { x: 'a' })).toBe(false);
    expect(ev({ kind: 'unary', operator: '-', operand: col('x') }, { x: 4 })).toBe(-4);
    expect(ev({ kind: 'unary', operator: '-', operand: col('x') }, { x: 4n })).toBe(-4n);
    expect(ev({ kind: 'unary', operator: '-', operand: col('x') }, { x: null })).toBeNull();
  });

  it('conditional picks a branch by truthiness', () => {
    const node: Expression = { kind: 'conditional', test: col('vip'), consequent: k('gold'), alternate: k('std') };
    expect(ev(node, { vip: true })).toBe('gold');
    expect(ev(node, { vip: null })).toBe('std');
  });
});

describe('evaluateExpression: arithmetic', () => {
  it('numbers follow JS: / is real division, % the JS remainder', () => {
    expect(ev(bin('+', col('a'), k(2)), { a: 1 })).toBe(3);
    expect(ev(bin('-', col('a'), k(2)), { a: 1 })).toBe(-1);
    expect(ev(bin('*', col('a'), k(2)), { a: 1.5 })).toBe(3);
    expect(ev(bin('/', col('a'), k(2)), { a: 7 })).toBe(3.5);
    expect(ev(bin('%', col('a'), k(3)), { a: -7 })).toBe(-1);
  });

  it('a null operand makes the result null (SQL), not 0 or NaN (JS)', () => {
    for (const op of ['+', '-', '*', '/', '%'] as const) {
      expect(ev(bin(op, col('a'), k(2)), { a: null })).toBeNull();
      expect(ev(bin(op, k(2), col('a')), {})).toBeNull();
    }
  });

  it('+ with a string concatenates', () => {
    expect(ev(bin('+', col('first'), bin('+', k(' '), col('last'))), { first: 'Ada', last: 'Lovelace' })).toBe('Ada Lovelace');
    expect(ev(bin('+', k('n='), col('n')), { n: 3 })).toBe('n=3');
  });

  it('bigint arithmetic stays exact; bigint / bigint truncates like JS and SQL', () => {
    const big = 2n ** 62n;
    expect(ev(bin('+', col('a'), k(1n)), { a: big })).toBe(big + 1n);
    expect(ev(bin('*', col('a'), k(3)), { a: big })).toBe(big * 3n);
    expect(ev(bin('/', col('a'), k(2n)), { a: 7n })).toBe(3n);
    expect(ev(bin('/', col('a'), k(2)), { a: 7n })).toBe(3.5); // bigint with number divides as numbers
    expect(ev(bin('/', col('a'), k(0n)), { a: 7n })).toBeNull();
  });
});

describe('evaluateExpression: object, array, template', () => {
  it('object builds a plain object in property order', () => {
    const node: Expression = {
      kind: 'object',
      properties: [
        { name: 'b', value: col('x') },
        { name: 'a', value: k(1) },
      ],
    };
    const result = ev(node, { x: 'v' });
    expect(result).toEqual({ b: 'v', a: 1 });
    expect(Object.keys(result as object)).toEqual(['b', 'a']);
  });

  it('array evaluates each element', () => {
    expect(ev({ kind: 'array', elements: [k('EU'), col('r')] }, { r: 'US' })).toEqual(['EU', 'US']);
  });

  it('template concatenates; null is empty and a Date is ISO UTC', () => {
    const node: Expression = { kind: 'template', quasis: ['', ' (', ')'], expressions: [col('name'), col('d')] };
    expect(ev(node, { name: 'Ada', d: new Date(Date.UTC(2024, 0, 2)) })).toBe('Ada (2024-01-02T00:00:00.000Z)');
    expect(ev(node, { name: null, d: undefined })).toBe(' ()');
  });
});

describe('evaluateExpression: string and array calls', () => {
  it('startsWith / endsWith / includes are ordinal and case-sensitive', () => {
    const row = { s: 'Hello' };
    expect(ev(call('startsWith', col('s'), k('He')), row)).toBe(true);
    expect(ev(call('startsWith', col('s'), k('he')), row)).toBe(false);
    expect(ev(call('endsWith', col('s'), k('llo')), row)).toBe(true);
    expect(ev(call('includes', col('s'), k('ell')), row)).toBe(true);
    expect(ev(call('includes', col('s'), k('ELL')), row)).toBe(false);
  });

  it('a null receiver or argument gives null instead of throwing', () => {
    expect(ev(call('startsWith', col('s'), k('a')), { s: null })).toBeNull();
    expect(ev(call('includes', col('s'), col('t')), { s: 'abc', t: null })).toBeNull();
    expect(ev(call('toUpperCase', col('s')), {})).toBeNull();
    expect(ev(call('length', col('s')), { s: null })).toBeNull();
  });

  it('toLowerCase, toUpperCase, trim, length (UTF-16 units like JS)', () => {
    expect(ev(call('toLowerCase', col('s')), { s: 'AbC' })).toBe('abc');
    expect(ev(call('toUpperCase', col('s')), { s: 'AbC' })).toBe('ABC');
    expect(ev(call('trim', col('s')), { s: '  x \t' })).toBe('x');
    expect(ev(call('length', col('s')), { s: 'a\u{1F600}' })).toBe(3);
  });

  it('includes on an array literal or params array is membership with dtde equality', () => {
    const list: Expression = { kind: 'array', elements: [k('EU'), k('US')] };
    expect(ev(call('includes', list, col('r')), { r: 'US' })).toBe(true);
    expect(ev(call('includes', list, col('r')), { r: 'APAC' })).toBe(false);
    const params = { days: [new Date(0), new Date(86_400_000)], ids: [1n, 2n] };
    expect(ev(call('includes', pm('days'), col('d')), { d: new Date(86_400_000) }, params)).toBe(true);
    expect(ev(call('includes', pm('ids'), col('id')), { id: 2 }, params)).toBe(true);
    expect(ev(call('includes', { kind: 'array', elements: [k(null)] }, col('x')), {})).toBe(true);
  });

  it('a string method on a non-string is an error naming the method', () => {
    expect(() => ev(call('startsWith', col('n'), k('1')), { n: 12 })).toThrow(/startsWith\(\) needs a string, got a number/);
  });
});

describe('evaluateExpression: Math and Date calls', () => {
  it('Math.abs/floor/ceil/min/max', () => {
    expect(ev(call('Math.abs', null, col('n')), { n: -3 })).toBe(3);
    expect(ev(call('Math.abs', null, col('n')), { n: -3n })).toBe(3n);
    expect(ev(call('Math.floor', null, col('n')), { n: -1.5 })).toBe(-2);
    expect(ev(call('Math.ceil', null, col('n')), { n: -1.5 })).toBe(-1);
    expect(ev(call('Math.min', null, col('n'), k(2), k(7)), { n: 5 })).toBe(2);
    expect(ev(call('Math.max', null, col('n'), k(2), k(7)), { n: 5 })).toBe(7);
    expect(ev(call('Math.max', null, col('n'), k(2)), { n: null })).toBeNull();
  });

  it('Math.round rounds halves away from zero, as SQL ROUND (JS would give -2 for -2.5)', () => {
    expect(ev(call('Math.round', null, col('n')), { n: 2.5 })).toBe(3);
    expect(ev(call('Math.round', null, col('n')), { n: -2.5 })).toBe(-3);
    expect(ev(call('Math.round', null, col('n')), { n: -2.4 })).toBe(-2);
    expect(ev(call('Math.round', null, col('n')), { n: 0.5 })).toBe(1);
    expect(Object.is(roundHalfAwayFromZero(-0.2), 0)).toBe(true);
  });

  it('Math with a non-number is an error', () => {
    expect(() => ev(call('Math.abs', null, col('s')), { s: 'x' })).toThrow(/Math.abs needs numbers, got a string/);
  });

  it('Date getters read UTC, whichever getter was written', () => {
    // 2024-01-01T00:30Z is still Dec 31 2023 in any zone west of UTC: the result must not depend on TZ.
    const row = { d: new Date('2024-01-01T00:30:00Z') };
    for (const m of ['getFullYear', 'getUTCFullYear'] as const) expect(ev(call(m, col('d')), row)).toBe(2024);
    for (const m of ['getMonth', 'getUTCMonth'] as const) expect(ev(call(m, col('d')), row)).toBe(0);
    for (const m of ['getDate', 'getUTCDate'] as const) expect(ev(call(m, col('d')), row)).toBe(1);
    expect(ev(call('getFullYear', col('d')), { d: null })).toBeNull();
    expect(() => ev(call('getFullYear', col('d')), { d: '2024-01-01' })).toThrow(/getFullYear\(\) needs a Date, got a string/);
  });
});

describe('evaluateExpression: group aggregates', () => {
  const group = new RowGroup('EU', [
    { total: 10, at: new Date(2000), big: 2n ** 60n },
    { total: null, at: new Date(1000), big: 1n },
    { total: 5, at: null, big: 2n ** 60n },
  ]);
  const g = rowParam(0, 'g');
  const nested = (property: string) => lambda(col(property, 1), 1);

  it('g.key reads the key; other properties of a group are errors', () => {
    expect(ev({ kind: 'member', object: g, property: 'key' }, group)).toBe('EU');
    expect(() => ev({ kind: 'member', object: g, property: 'rows' }, group)).toThrow(/A group has no property 'rows'/);
  });

  it('count, sum (nulls skipped), min, max, average over the group rows', () => {
    expect(ev(call('count', g), group)).toBe(3);
    expect(ev(call('count', g, lambda(bin('>', col('total', 1), k(6)), 1)), group)).toBe(1);
    expect(ev(call('sum', g, nested('total')), group)).toBe(15);
    expect(ev(call('min', g, nested('total')), group)).toBe(5);
    expect(ev(call('max', g, nested('total')), group)).toBe(10);
    expect(ev(call('average', g, nested('total')), group)).toBe(7.5);
    expect(ev(call('min', g, nested('at')), group)).toEqual(new Date(1000));
  });

  it('sum of bigints stays exact; average divides the exact sum', () => {
    expect(ev(call('sum', g, nested('big')), group)).toBe(2n ** 61n + 1n);
    expect(ev(call('average', g, nested('big')), group)).toBeCloseTo(Number(2n ** 61n + 1n) / 3);
  });

  it('aggregates of only-null values: sum 0, others null', () => {
    const nulls = new RowGroup(1, [{ total: null }]);
    expect(ev(call('sum', g, nested('total')), nulls)).toBe(0);
    expect(ev(call('average', g, nested('total')), nulls)).toBeNull();
    expect(ev(call('max', g, nested('total')), nulls)).toBeNull();
  });

  it('a nested lambda can read the outer group and params', () => {
    const body = bin('*', col('total', 1), pm('rate'));
    expect(evaluateExpression(call('sum', g, lambda(body, 1)), { rows: [group], params: { rate: 2 } })).toBe(30);
  });

  it('an aggregate on a non-group, or without a selector, is an error', () => {
    expect(() => ev(call('sum', col('x'), nested('total')), { x: [1] })).toThrow(/aggregate over a group/);
    expect(() => ev(call('sum', g), group)).toThrow(/g.sum\(\) needs a selector/);
  });
});

describe('evaluateLambda', () => {
  it('binds the row and params and quotes the source in errors', () => {
    const l: LambdaExpression = {
      kind: 'lambda',
      parameters: [rowParam(), paramsParam],
      body: bin('>', col('total'), pm('min')),
      source: '(c, p) => c.total > p.min',
    };
    expect(evaluateLambda(l, { total: 5 }, { min: 3 })).toBe(true);
    const bad: LambdaExpression = { ...l, body: call('trim', col('total')), source: 'c => c.total.trim()' };
    try {
      evaluateLambda(bad, { total: 5 }, {});
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DtdeTranslationError);
      expect((error as DtdeTranslationError).lambdaSource).toBe('c => c.total.trim()');
      expect((error as Error).message).toContain('In lambda: c => c.total.trim()');
    }
  });
});
