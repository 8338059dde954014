import { describe, expect, it } from 'vitest';
import type { Expression, LambdaExpression } from '../../../src/linq/expression/expression.js';
import { parseLambda, parseLambdaSource } from '../../../src/linq/parse/parse-lambda.js';
import { spannedTexts, withoutSpans } from './fixtures/lambda-tree.js';

// Expected-tree builders (no spans; compared against withoutSpans(...)).
const row = (name = 'c', depth = 0) => ({ kind: 'parameter', name, role: 'row', depth });
const k = (value: unknown) => ({ kind: 'constant', value });
const m = (object: unknown, property: string) => ({ kind: 'member', object, property });
const c = (property: string) => m(row(), property);
const pm = (...path: string[]) => ({ kind: 'paramsMember', path });
const bin = (operator: string, left: unknown, right: unknown) => ({ kind: 'binary', operator, left, right });
const call = (method: string, target: unknown, args: unknown[] = []) => ({ kind: 'call', method, target, args });

const body = (source: string): unknown => withoutSpans(parseLambdaSource(source).body);

interface Customer {
  id: number;
  name: string;
  total: number;
  region: string;
  createdAt: Date;
}

describe('parseLambda: constants', () => {
  it.each([
    ["c => 'EU'", 'EU'],
    ['c => "US"', 'US'],
    ['c => 42', 42],
    ['c => 1.5', 1.5],
    ['c => true', true],
    ['c => false', false],
    ['c => null', null],
    ['c => 10n', 10n],
    ['c => undefined', undefined],
    ['c => NaN', Number.NaN],
    ['c => Infinity', Number.POSITIVE_INFINITY],
  ])('%s', (source, value) => {
    expect(body(source)).toEqual(k(value));
  });

  it('folds a negative literal into one constant', () => {
    expect(body('c => -5')).toEqual(k(-5));
    expect(body('c => -5n')).toEqual(k(-5n));
    expect(body('c => -Infinity')).toEqual(k(Number.NEGATIVE_INFINITY));
    expect(parseLambdaSource('c => -5').body.span).toEqual({ start: 5, end: 7 });
  });

  it('keeps a typed undefined constant (not a missing value)', () => {
    const b = parseLambdaSource('c => undefined').body;
    expect(b.kind).toBe('constant');
    expect('value' in b).toBe(true);
  });
});

describe('parseLambda: members and params', () => {
  it('maps row property access to member nodes', () => {
    expect(body('c => c.region')).toEqual(c('region'));
    expect(body("c => c['region']")).toEqual(c('region'));
    expect(body('c => c.address.city')).toEqual(m(c('address'), 'city'));
    expect(body('g => g.key.year')).toEqual(m(m(row('g'), 'key'), 'year'));
  });

  it('maps params access to paramsMember with a path', () => {
    expect(body('(c, p) => p.min')).toEqual(pm('min'));
    expect(body('(c, p) => p.range.from')).toEqual(pm('range', 'from'));
    expect(body("(c, p) => p['range']['to']")).toEqual(pm('range', 'to'));
  });

  it('turns .length of a non-parameter into a call, but keeps c.length a member', () => {
    expect(body('c => c.name.length')).toEqual(call('length', c('name')));
    expect(body('c => c.length')).toEqual(c('length'));
    expect(body('(c, p) => p.length')).toEqual(pm('length'));
    expect(body('(c, p) => p.name.length')).toEqual(call('length', pm('name')));
    expect(body("c => 'abc'.length")).toEqual(call('length', k('abc')));
  });

  it('allows the row parameter itself as a value', () => {
    expect(body('c => c')).toEqual(row());
  });
});

describe('parseLambda: operators', () => {
  it.each(['===', '!==', '==', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', '&&', '||', '??'])('binary %s', (op) => {
    expect(body(`c => c.a ${op} c.b`)).toEqual(bin(op, c('a'), c('b')));
  });

  it('keeps precedence from the source', () => {
    expect(body('c => c.a + c.b * 2 > 10 || !c.x')).toEqual(
      bin('||', bin('>', bin('+', c('a'), bin('*', c('b'), k(2))), k(10)), { kind: 'unary', operator: '!', operand: c('x') }),
    );
  });

  it('maps unary ! and - on non-literals', () => {
    expect(body('c => !c.active')).toEqual({ kind: 'unary', operator: '!', operand: c('active') });
    expect(body('c => -c.total')).toEqual({ kind: 'unary', operator: '-', operand: c('total') });
  });

  it('maps the conditional operator', () => {
    expect(body("c => c.vip ? 'gold' : null")).toEqual({
      kind: 'conditional',
      test: c('vip'),
      consequent: k('gold'),
      alternate: k(null),
    });
  });
});

describe('parseLambda: literals with structure', () => {
  it('maps template literals to template nodes (cooked strings)', () => {
    expect(body('c => `${c.first} ${c.last}!\\n`')).toEqual({
      kind: 'template',
      quasis: ['', ' ', '!\n'],
      expressions: [c('first'), c('last')],
    });
  });

  it('maps object literals in order, with name, string and number keys', () => {
    expect(body("c => ({ id: c.id, 'full name': c.name, 1: c.x })")).toEqual({
      kind: 'object',
      properties: [
        { name: 'id', value: c('id') },
        { name: 'full name', value: c('name') },
        { name: '1', value: c('x') },
      ],
    });
  });

  it('maps array literals', () => {
    expect(body("c => [c.a, 'x', 1]")).toEqual({ kind: 'array', elements: [c('a'), k('x'), k(1)] });
  });
});

describe('parseLambda: calls', () => {
  it.each(['startsWith', 'endsWith', 'includes'])('string %s(x)', (method) => {
    expect(body(`c => c.name.${method}('A')`)).toEqual(call(method, c('name'), [k('A')]));
  });

  it.each(['toLowerCase', 'toUpperCase', 'trim'])('string %s()', (method) => {
    expect(body(`c => c.name.${method}()`)).toEqual(call(method, c('name')));
  });

  it('maps includes on an array literal and on a params array to the same method', () => {
    expect(body("c => ['EU', 'US'].includes(c.region)")).toEqual(
      call('includes', { kind: 'array', elements: [k('EU'), k('US')] }, [c('region')]),
    );
    expect(body('(c, p) => p.regions.includes(c.region)')).toEqual(call('includes', pm('regions'), [c('region')]));
  });

  it.each(['abs', 'round', 'floor', 'ceil'])('Math.%s', (fn) => {
    expect(body(`c => Math.${fn}(c.x)`)).toEqual(call(`Math.${fn}`, null, [c('x')]));
  });

  it('Math.min and Math.max take several arguments', () => {
    expect(body('c => Math.min(c.a, c.b, 0)')).toEqual(call('Math.min', null, [c('a'), c('b'), k(0)]));
    expect(body('c => Math.max(c.a, c.b)')).toEqual(call('Math.max', null, [c('a'), c('b')]));
  });

  it.each(['getFullYear', 'getMonth', 'getDate', 'getUTCFullYear', 'getUTCMonth', 'getUTCDate'])('Date %s()', (method) => {
    expect(body(`c => c.createdAt.${method}()`)).toEqual(call(method, c('createdAt')));
  });

  it('parses aggregate arguments as nested lambdas one level deeper', () => {
    const g = row('g');
    const o = row('o', 1);
    const nested = (b: unknown) => ({ kind: 'lambda', parameters: [o], body: b });
    expect(body('g => g.count()')).toEqual(call('count', g));
    expect(body('g => g.count(o => o.paid)')).toEqual(call('count', g, [nested(m(o, 'paid'))]));
    for (const agg of ['sum', 'min', 'max', 'average']) {
      expect(body(`g => g.${agg}(o => o.total)`)).toEqual(call(agg, g, [nested(m(o, 'total'))]));
    }
  });

  it('lets nested lambdas read params and the outer row', () => {
    expect(body('(g, p) => g.sum(o => o.total * p.rate + g.key.bonus)')).toEqual(
      call('sum', row('g'), [
        {
          kind: 'lambda',
          parameters: [row('o', 1)],
          body: bin('+', bin('*', m(row('o', 1), 'total'), pm('rate')), m(m(row('g'), 'key'), 'bonus')),
        },
      ]),
    );
  });

  it('gives a nested lambda its own source text and the inner parameter shadows the outer', () => {
    const lambda = parseLambdaSource('g => g.sum(g => g.total)');
    const nested = (lambda.body as { args: readonly Expression[] }).args[0] as LambdaExpression;
    expect(nested.source).toBe('g => g.total');
    expect(withoutSpans(nested.body)).toEqual(m(row('g', 1), 'total'));
    expect(nested.parameters[0].depth).toBe(1);
  });

  it('numbers depth per nesting level', () => {
    const inner = { kind: 'lambda', parameters: [row('i', 2)], body: m(row('i', 2), 'qty') };
    const outer = { kind: 'lambda', parameters: [row('o', 1)], body: call('sum', m(row('o', 1), 'lines'), [inner]) };
    expect(body('g => g.sum(o => o.lines.sum(i => i.qty))')).toEqual(call('sum', row('g'), [outer]));
  });

  it('builds a projection over a group', () => {
    expect(body('g => ({ region: g.key, n: g.count(), avg: g.average(o => o.total) })')).toEqual({
      kind: 'object',
      properties: [
        { name: 'region', value: m(row('g'), 'key') },
        { name: 'n', value: call('count', row('g')) },
        { name: 'avg', value: call('average', row('g'), [{ kind: 'lambda', parameters: [row('o', 1)], body: m(row('o', 1), 'total') }]) },
      ],
    });
  });
});

describe('parseLambda: lambda forms', () => {
  const expected = bin('>', c('total'), pm('min'));

  it.each([
    ['arrow, expression body', '(c, p) => c.total > p.min'],
    ['arrow, block with return', '(c, p) => { return c.total > p.min; }'],
    ['arrow, block without semicolon', '(c, p) => {\n  return c.total > p.min\n}'],
    ['function expression', 'function (c, p) { return c.total > p.min; }'],
    ['named function expression', 'function pred(c, p) { return c.total > p.min; }'],
    ['comments around', '/* a */ (c, p) => /* b */ c.total > p.min // trailing'],
  ])('%s', (_label, source) => {
    expect(body(source)).toEqual(expected);
  });

  it('assigns roles by position: row first, params second', () => {
    expect(withoutSpans(parseLambdaSource('(row, args) => row.x').parameters)).toEqual([
      row('row'),
      { kind: 'parameter', name: 'args', role: 'params', depth: 0 },
    ]);
    expect(parseLambdaSource('c => c.x').parameters).toHaveLength(1);
    expect(parseLambdaSource('x => x.y').parameters[0].name).toBe('x');
    expect(parseLambdaSource('() => true').parameters).toHaveLength(0);
  });

  it('parses real functions: arrows with types, function expressions, 1 and 2 params', () => {
    const typed = (cu: Customer, p: { min: number }) => cu.total > p.min;
    const fnExpr = function (cu: Customer, p: { min: number }) {
      return cu.total > p.min;
    };
    const block = (cu: Customer) => {
      return cu.name.startsWith('A');
    };
    const want = bin('>', m(row('cu'), 'total'), pm('min'));
    expect(withoutSpans(parseLambda(typed).body)).toEqual(want);
    expect(withoutSpans(parseLambda(fnExpr).body)).toEqual(want);
    expect(withoutSpans(parseLambda(block).body)).toEqual(call('startsWith', m(row('cu'), 'name'), [k('A')]));
    expect(parseLambda(typed).source).toBe(typed.toString());
  });
});

describe('parseLambda: spans', () => {
  it('points every node at its text in the source', () => {
    const src = "(c, p) => c.total > p.min && c.name.startsWith('A') ? -1 : c.id";
    const lambda = parseLambdaSource(src);
    expect(lambda.span).toEqual({ start: 0, end: src.length });
    expect(spannedTexts(lambda.parameters, src)).toEqual([
      { kind: 'parameter', text: 'c' },
      { kind: 'parameter', text: 'p' },
    ]);
    const texts = spannedTexts(lambda.body, src).map((t) => `${t.kind}:${t.text}`);
    expect(texts).toEqual([
      "conditional:c.total > p.min && c.name.startsWith('A') ? -1 : c.id",
      "binary:c.total > p.min && c.name.startsWith('A')",
      'binary:c.total > p.min',
      'member:c.total',
      'parameter:c',
      'paramsMember:p.min',
      "call:c.name.startsWith('A')",
      'member:c.name',
      'parameter:c',
      "constant:'A'",
      'constant:-1',
      'member:c.id',
      'parameter:c',
    ]);
  });

  it('gives nested lambda nodes offsets into the outermost source', () => {
    const src = 'g => g.sum(o => o.total)';
    const texts = spannedTexts(parseLambdaSource(src).body, src).map((t) => `${t.kind}:${t.text}`);
    expect(texts).toEqual([
      'call:g.sum(o => o.total)',
      'parameter:g',
      'lambda:o => o.total',
      'parameter:o',
      'member:o.total',
      'parameter:o',
    ]);
  });

  it('returns a deeply frozen tree', () => {
    const lambda = parseLambdaSource('(c, p) => c.a > p.b');
    expect(Object.isFrozen(lambda)).toBe(true);
    expect(Object.isFrozen(lambda.body)).toBe(true);
    expect(Object.isFrozen((lambda.body as { left: { span: object } }).left.span)).toBe(true);
    expect(Object.isFrozen(lambda.parameters)).toBe(true);
  });
});
