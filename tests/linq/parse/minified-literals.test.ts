import { describe, expect, it } from 'vitest';
import { parseLambdaSource } from '../../../src/linq/parse/parse-lambda.js';
import { withoutSpans } from './fixtures/lambda-tree.js';

// esbuild's minifier writes `Infinity` as `1/0`, `-Infinity` as `-1/0`, `NaN` as `0/0`,
// `undefined` as `void 0`, `true` as `!0` and `false` as `!1`. A lambda from a minified bundle
// must mean what its source meant, so these literal-only forms read as the literal; the same
// operators over anything but literals keep their own meaning (`c.x / 0` is SQL's division).

const row = (name = 'c') => ({ kind: 'parameter', name, role: 'row', depth: 0 });
const k = (value: unknown) => ({ kind: 'constant', value });
const c = (property: string, name = 'c') => ({ kind: 'member', object: row(name), property });
const body = (source: string): unknown => withoutSpans(parseLambdaSource(source).body);

describe('literals as a minifier writes them', () => {
  it.each([
    ['c => 1/0', Number.POSITIVE_INFINITY],
    ['c => -1/0', Number.NEGATIVE_INFINITY],
    ['c => 0/0', Number.NaN],
    ['c => void 0', undefined],
    ['c => !0', true],
    ['c => !1', false],
  ])('%s is the literal it stands for', (source, value) => {
    expect(body(source)).toEqual(k(value));
  });

  it('inside a minified predicate', () => {
    expect(body('e=>e.score<1/0')).toEqual({ kind: 'binary', operator: '<', left: c('score', 'e'), right: k(Number.POSITIVE_INFINITY) });
    expect(body('e=>e.email===void 0')).toEqual({ kind: 'binary', operator: '===', left: c('email', 'e'), right: k(undefined) });
    expect(body('e=>e.vip===!0&&e.score>-1/0')).toMatchObject({
      operator: '&&',
      left: { right: k(true) },
      right: { right: k(Number.NEGATIVE_INFINITY) },
    });
  });

  it('spans the whole rewritten literal', () => {
    expect(parseLambdaSource('c => -1/0').body.span).toEqual({ start: 5, end: 9 });
    expect(parseLambdaSource('c => void 0').body.span).toEqual({ start: 5, end: 11 });
  });

  it('keeps division, negation and void over anything but literals', () => {
    expect(body('c => c.score / 0')).toEqual({ kind: 'binary', operator: '/', left: c('score'), right: k(0) });
    expect(body('c => 1 / c.score')).toEqual({ kind: 'binary', operator: '/', left: k(1), right: c('score') });
    expect(body('(c, p) => p.a / 0')).toEqual({ kind: 'binary', operator: '/', left: { kind: 'paramsMember', path: ['a'] }, right: k(0) });
    expect(body('c => !c.vip')).toEqual({ kind: 'unary', operator: '!', operand: c('vip') });
    expect(() => parseLambdaSource('c => void c.score')).toThrow(/`void` is not supported/);
  });
});
