import { describe, expect, it } from 'vitest';
import { DtdeTranslationError } from '../../../src/errors/dtde-translation-error.js';
import { parseLambda, parseLambdaSource } from '../../../src/linq/parse/parse-lambda.js';

/** Parses and returns the DtdeTranslationError it must throw. */
function failure(source: string, operator?: string): DtdeTranslationError {
  try {
    parseLambdaSource(source, operator === undefined ? {} : { operator });
  } catch (error) {
    expect(error).toBeInstanceOf(DtdeTranslationError);
    return error as DtdeTranslationError;
  }
  throw new Error(`expected ${source} to be rejected`);
}

/** The text the caret line of a message underlines, read back from the quoted line above it. */
function underlined(message: string): string {
  const lines = message.split('\n');
  const i = lines.findIndex((l) => /^\s*(?:\|\s*)?\^+$/.test(l));
  expect(i, `no caret line in:\n${message}`).toBeGreaterThan(0);
  const from = lines[i].indexOf('^');
  return lines[i - 1].slice(from, lines[i].length);
}

/**
 * Asserts the source is rejected with a message containing `text`, that `position` covers
 * `at` (the first occurrence of that text in the source) and that the caret sits under it.
 */
function expectRejected(source: string, text: string | RegExp, at: string): DtdeTranslationError {
  const error = failure(source);
  expect(error.code).toBe('DTDE_TRANSLATION');
  expect(error.message).toMatch(typeof text === 'string' ? new RegExp(escapeRegExp(text)) : text);
  expect(error.lambdaSource).toBe(source);
  expect(error.position).toBeDefined();
  const { start, end } = error.position!;
  expect(source.slice(start, end)).toBe(at);
  expect(start).toBe(source.indexOf(at));
  expect(error.message).toContain(source.includes('\n') ? '|' : `    ${source}`);
  expect(underlined(error.message)).toBe(at.split('\n')[0]);
  return error;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('rejected expressions', () => {
  it.each<[string, string, string, string]>([
    ['new', 'c => c.createdAt > new Date()', '`new` is not supported', 'new Date()'],
    ['this', 'function (c) { return c.owner === this.owner; }', '`this` is not supported', 'this'],
    ['assignment', 'c => c.total = 1', 'Assignment (`=`) is not supported', 'c.total = 1'],
    ['compound assignment', 'c => c.total += 1', 'Assignment (`+=`)', 'c.total += 1'],
    ['update', 'c => c.total++', '`++` is not supported', 'c.total++'],
    ['sequence', 'c => (c.a, c.b)', 'comma operator', 'c.a, c.b'],
    ['typeof', "c => typeof c.x === 'string'", '`typeof` is not supported', 'typeof c.x'],
    ['instanceof', 'c => c.x instanceof Object', '`instanceof` is not supported', 'c.x instanceof Object'],
    ['in', "c => 'x' in c", 'use includes', "'x' in c"],
    ['regex literal', 'c => c.name === /a+/', 'Regular expression literals', '/a+/'],
    ['optional member', 'c => c.a?.b === 1', 'Optional chaining `?.` is not supported', 'c.a?.b'],
    ['optional call', 'c => c.name?.trim()', 'c.a === null ? null : c.a.b', 'c.name?.trim()'],
    ['spread in array', 'c => [...c.tags]', 'Spread (`...`)', '...c.tags'],
    ['spread in object', 'c => ({ ...c })', 'Spread (`...`)', '...c'],
    ['spread in call', 'c => Math.max(...c.xs)', 'Spread (`...`)', '...c.xs'],
    ['tagged template', 'c => tag`x${c.a}`', 'Tagged templates', 'tag`x${c.a}`'],
    ['bitwise and', 'c => c.flags & 4', 'Bitwise operator `&`', 'c.flags & 4'],
    ['bitwise or', 'c => c.a | c.b', 'Bitwise operator `|`', 'c.a | c.b'],
    ['shift', 'c => c.a << 2', 'Bitwise operator `<<`', 'c.a << 2'],
    ['bitwise not', 'c => ~c.a', 'Bitwise operator `~`', '~c.a'],
    ['unary plus', 'c => +c.a', 'Unary `+`', '+c.a'],
    ['void', 'c => void c.a', '`void` is not supported', 'void c.a'],
    ['exponent', 'c => c.a ** 2', 'exponent operator `**`', 'c.a ** 2'],
    ['function outside aggregate', 'c => c.tags.includes(x => x)', 'only allowed as the argument of a group aggregate', 'x => x'],
    ['class expression', 'c => class {}', 'Class expressions', 'class {}'],
    ['new.target', 'function (c) { return new.target; }', '`new.target`', 'new.target'],
  ])('%s', (_label, source, text, at) => {
    expectRejected(source, text, at);
  });

  it.each<[string, string, string, string]>([
    ['async arrow', 'async c => c.total', 'Async lambdas are not supported', 'async'],
    ['async function', 'async function (c) { return await c.total; }', 'Remove `async`', 'async'],
    ['generator', 'function* (c) { return c.total; }', 'Generator functions', 'function* (c) { return c.total; }'],
    ['more than 2 params', '(a, b, c, d) => a.x', 'at most 2 parameters', 'c, d'],
    ['destructuring', '({ id }) => id', 'Destructuring parameters', '{ id }'],
    ['array destructuring', '(c, [a]) => c.x', 'Destructuring parameters', '[a]'],
    ['default value', '(c, p = {}) => c.x', 'Default parameter values', 'p = {}'],
    ['rest', '(...xs) => xs', 'Rest parameters', '...xs'],
    ['duplicate params', 'function (c, c) { return c.x; }', 'declared twice', 'c'],
    ['two statements', 'c => { const x = 1; return c.a > x; }', 'exactly one statement', 'const x = 1;'],
    ['no return', 'c => { c.a; }', 'exactly one statement', 'c.a;'],
    ['empty return', 'c => { return; }', '`return <expression>;`', 'return;'],
    ['empty block', 'c => {}', 'write an expression body', '{}'],
  ])('lambda shape: %s', (_label, source, text, at) => {
    const error = failure(source);
    expect(error.message).toContain(text);
    const { start, end } = error.position!;
    expect(source.slice(start, end)).toBe(at);
    expect(underlined(error.message)).toBe(at);
  });

  it.each<[string, string, string, string]>([
    ['unknown method', 'c => c.name.padStart(3)', '`.padStart()` is not a supported method', 'padStart'],
    ['unknown function', 'c => parseInt(c.code) > 3', '`parseInt(...)` is not supported', 'parseInt'],
    ['calling a parameter', 'c => c()', 'Calling the parameter `c`', 'c'],
    ['unsupported Math', 'c => Math.pow(c.a, 2)', '`Math.pow` is not supported', 'Math.pow'],
    ['Math constant', 'c => c.r * Math.PI', '`Math.PI` is not supported', 'Math.PI'],
    ['bare Math', 'c => Math', '`Math` can only be used in a call', 'Math'],
    ['too many arguments', "c => c.name.startsWith('a', 1)", 'takes exactly 1 argument', "c.name.startsWith('a', 1)"],
    ['missing argument', 'c => c.name.includes()', 'takes exactly 1 argument', 'c.name.includes()'],
    ['Math.abs arity', 'c => Math.abs()', 'Math.abs() takes exactly 1 argument', 'Math.abs()'],
    ['aggregate without lambda', 'g => g.sum()', 'takes exactly 1 argument', 'g.sum()'],
    ['aggregate with a value', 'g => g.sum(g.total)', 'takes a lambda over the group', 'g.total'],
    ['nested lambda with 2 params', 'g => g.sum((a, b) => a.x)', 'exactly one parameter', 'a, b'],
    ['nested lambda with 0 params', 'g => g.count(() => true)', 'exactly one parameter', '() => true'],
    ['async nested lambda', 'g => g.sum(async o => o.x)', 'Async lambdas', 'async'],
    ['computed member', 'c => c[c.key]', 'string literal key', 'c.key'],
    ['numeric member', 'c => c.tags[0]', 'string literal key', '0'],
    ['params object as value', '(c, p) => c.x === p', 'can only be read through its properties', 'p'],
  ])('call or member: %s', (_label, source, text, at) => {
    const error = failure(source);
    expect(error.message).toContain(text);
    const { start, end } = error.position!;
    expect(source.slice(start, end)).toBe(at);
    expect(underlined(error.message)).toBe(at);
  });

  it('lists the supported methods when a method is unknown', () => {
    const error = failure('c => c.tags.indexOf(1) > 0');
    expect(error.message).toContain('startsWith, endsWith, includes, toLowerCase, toUpperCase, trim');
    expect(error.message).toContain('Math.abs');
    expect(error.message).toContain('getUTCFullYear');
    expect(error.message).toContain('average(o => ...)');
  });

  it.each<[string, string, string, string]>([
    ['shorthand', 'c => ({ id })', 'Name the value explicitly: { id: c.id }', 'id'],
    ['computed key', 'c => ({ [c.k]: 1 })', 'Computed property keys', 'c.k'],
    ['method', 'c => ({ f() { return 1; } })', 'Methods, getters and setters', 'f() { return 1; }'],
    ['getter', 'c => ({ get f() { return 1; } })', 'Methods, getters and setters', 'get f() { return 1; }'],
    ['duplicate key', 'c => ({ a: c.x, a: c.y })', 'appears twice', 'a'],
    ['__proto__ key', 'c => ({ __proto__: c.x })', '`__proto__`', '__proto__'],
  ])('projection: %s', (_label, source, text, at) => {
    const error = failure(source);
    expect(error.message).toContain(text);
    // `at` is the last occurrence of the offending text (a duplicate key is reported at its second use).
    const { start, end } = error.position!;
    expect(start).toBe(source.lastIndexOf(at));
    expect(source.slice(start, end)).toBe(at);
    expect(underlined(error.message)).toBe(at);
  });

  it('rejects array holes at the array literal', () => {
    expectRejected('c => [1, , 2].includes(c.x)', 'Array holes', '[1, , 2]');
  });
});

describe('free identifiers', () => {
  it('names the captured variable and rewrites the lambda to read it from params', () => {
    const error = expectRejected('c => c.total > minTotal', 'minTotal', 'minTotal');
    expect(error.message).toContain(
      '`minTotal` is a variable captured from outside the lambda; dtde cannot see closures. ' +
        'Pass it through the params object: .where((c, p) => c.total > p.minTotal, { minTotal })',
    );
  });

  it('uses the params parameter the lambda already declares', () => {
    const error = failure('(row, q) => row.a > q.x && row.b < limit');
    expect(error.message).toContain('.where((row, q) => row.a > q.x && row.b < q.limit, { limit })');
  });

  it('names the operator it was given and picks a params name that is free', () => {
    const error = failure('p => ({ total: p.total * rate })', 'select');
    expect(error.message).toContain('.select((p, params) => ({ total: p.total * params.rate }), { rate })');
  });

  it('writes a block body as an expression body in the fix', () => {
    const error = failure('c => {\n  return c.region === region;\n}');
    expect(error.message).toContain('.where((c, p) => c.region === p.region, { region })');
    expect(underlined(error.message)).toBe('region');
  });

  it('abbreviates multi-line or long bodies in the fix', () => {
    expect(failure('c =>\n  c.active &&\n  c.region === region').message).toContain('.where((c, p) => … p.region …, { region })');
    const long = `c => ${'c.a === 1 && '.repeat(10)}c.b === b`;
    expect(failure(long).message).toContain('.where((c, p) => … p.b …, { b })');
  });

  it('reports free identifiers inside nested lambdas against the outer lambda', () => {
    const error = failure('g => g.sum(o => o.total * rate)');
    expect(error.message).toContain('.where((g, p) => g.sum(o => o.total * p.rate), { rate })');
  });

  it('treats imports and globals as captured values too', () => {
    expect(failure('c => c.x === Date').message).toContain('`Date` is a variable captured');
    expect(failure('c => c.when > start.value').message).toContain('`start` is a variable captured');
  });

  it('allows undefined, NaN and Infinity, and lets parameters shadow them', () => {
    expect(() => parseLambdaSource('c => c.a === undefined || c.b === NaN || c.c < Infinity')).not.toThrow();
    expect(parseLambdaSource('undefined => undefined.x').body.kind).toBe('member');
  });
});

describe('not a lambda', () => {
  it('rejects method shorthand and class methods', () => {
    const obj = {
      pick(c: { x: number }) {
        return c.x;
      },
    };
    expect(() => parseLambda(obj.pick)).toThrow(/Method shorthand .* not supported/);
    class K {
      m(c: { x: number }) {
        return c.x;
      }
    }
    expect(() => parseLambda(new K().m)).toThrow(DtdeTranslationError);
    expect(() => parseLambda(K)).toThrow(/classes are not supported/);
  });

  it('explains that bound and native functions have no source', () => {
    const bound = ((c: { x: number }) => c.x).bind(null);
    expect(() => parseLambda(bound)).toThrow(/no JavaScript source .*bound/);
    expect(() => parseLambda(Math.abs)).toThrow(/no JavaScript source/);
  });

  it('wraps acorn syntax errors with a caret at the failing position', () => {
    const error = failure('c => c.a ===');
    expect(error.message).toContain('could not parse the lambda source');
    expect(error.position).toEqual({ start: 12, end: 13 });
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('rejects values that are not functions', () => {
    expect(() => parseLambda(42 as unknown as () => void)).toThrow(/Expected a lambda function but got number/);
  });
});

describe('caret formatting', () => {
  it('shows the line of a multi-line lambda with its line number', () => {
    const source = '(c) => {\n  return c.a?.b;\n}';
    const error = failure(source);
    const lines = error.message.split('\n');
    expect(lines).toContain('  2 |   return c.a?.b;');
    expect(lines).toContain('    |          ^^^^^^');
  });

  it('keeps tabs so carets line up', () => {
    const error = failure('(c) => {\n\treturn c.a?.b;\n}');
    expect(error.message).toContain('  2 | \treturn c.a?.b;\n    | \t       ^^^^^^');
  });

  it('windows very long lines around the span', () => {
    const source = `c => ${Array.from({ length: 40 }, (_, i) => `c.f${i} === ${i}`).join(' && ')} && c.z?.y`;
    const error = failure(source);
    expect(error.message).toContain('…');
    expect(underlined(error.message)).toBe('c.z?.y');
    for (const line of error.message.split('\n').slice(1, 3)) expect(line.length).toBeLessThan(140);
  });
});

describe('build-tool rewrite hints', () => {
  it.each<[string, string, RegExp]>([
    ['esbuild keepNames', 'c => c.items.filter(__name((x) => x.ok, "ok"))', /keepNames/],
    ['CommonJS module rewrite', 'c => c.region === config_1.region', /CommonJS build .* params object/],
    ['CommonJS call rewrite', 'c => (0, util_1.norm)(c.name)', /\(0, module_1\.fn\)/],
    ['vite ssr import', 'c => c.region === __vite_ssr_import_0__.region', /Vite\/vitest rewrote an imported binding/],
    ['istanbul counters', 'c => (cov_2x3b().f[0]++, cov_2x3b().s[1]++, c.total > 5)', /coverage instrumentation/],
    ['istanbul block', '(c) => {\n  cov_2x3b().f[0]++;\n  return c.total > 5;\n}', /v8 coverage provider/],
  ])('%s', (_label, source, hint) => {
    const error = failure(source);
    expect(error.message).toContain('Hint: this lambda looks rewritten by a build tool.');
    expect(error.message).toMatch(hint);
  });

  it('adds no hint to ordinary errors', () => {
    expect(failure('c => c.total > minTotal').message).not.toContain('Hint:');
  });
});
