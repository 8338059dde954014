import { parseExpressionAt, type Expression as AcornExpression } from 'acorn';
import { DtdeTranslationError } from '../../errors/dtde-translation-error.js';
import type { LambdaExpression } from '../expression/expression.js';
import { lambdaError } from './lambda-error.js';
import { isAcornLambda } from './lambda-scope.js';
import { parseRootLambdaNode } from './parse-lambda-node.js';

/** Options for parseLambda. */
export interface ParseLambdaOptions {
  /**
   * The query operator the lambda belongs to, used only in fix examples of error messages
   * (`.select((c, p) => ...)`). Defaults to `where`.
   */
  readonly operator?: string;
}

/** Upper bound on cached sources, so lambdas built at run time (new Function) cannot grow the cache forever. */
export const LAMBDA_CACHE_LIMIT = 10_000;

// Parsed trees by source text: a query shape costs one acorn parse per process.
const cache = new Map<string, LambdaExpression>();
let acornCalls = 0;

/**
 * Parses a lambda into a dtde expression tree. The lambda may be an arrow function with an
 * expression body or a block body holding a single `return`, or a plain function expression of
 * the same shape; it takes up to two plain parameters: the row and the params object. Results are
 * cached by source text and deeply frozen. Throws DtdeTranslationError, with a caret under the
 * offending part, for anything outside the supported subset.
 *
 * @example
 * const lambda = parseLambda((c: Customer, p: { min: number }) => c.total > p.min);
 * // lambda.body: { kind: 'binary', operator: '>', left: member(c.total), right: paramsMember(['min']) }
 */
export function parseLambda(fn: Function, options: ParseLambdaOptions = {}): LambdaExpression {
  if (typeof fn !== 'function') {
    throw new DtdeTranslationError(
      `Expected a lambda function but got ${fn === null ? 'null' : typeof fn}. Pass an arrow function such as c => c.region === 'EU'.`,
    );
  }
  // Function.prototype.toString, not fn.toString: a user-defined toString must not change the query.
  return parseLambdaSource(Function.prototype.toString.call(fn), options);
}

/**
 * Parses lambda source text as parseLambda does (same cache). For callers that hold the source
 * rather than the function, and for tests.
 *
 * @example
 * parseLambdaSource('c => c.id').body; // { kind: 'member', property: 'id', ... }
 */
export function parseLambdaSource(source: string, options: ParseLambdaOptions = {}): LambdaExpression {
  const cached = cache.get(source);
  if (cached !== undefined) return cached;
  const lambda = deepFreeze(parseUncached(source, options.operator ?? 'where'));
  if (cache.size >= LAMBDA_CACHE_LIMIT) {
    // Maps iterate in insertion order: drop the oldest entry.
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
  cache.set(source, lambda);
  return lambda;
}

/**
 * How often acorn ran and how many parsed lambdas are cached, so tests can see the cache work.
 *
 * @example
 * const before = lambdaParseStats().acornCalls;
 * parseLambda(f); parseLambda(f);
 * lambdaParseStats().acornCalls - before; // 1 (0 if f was parsed before)
 */
export function lambdaParseStats(): { acornCalls: number; cacheSize: number } {
  return { acornCalls, cacheSize: cache.size };
}

function parseUncached(source: string, operator: string): LambdaExpression {
  let node: AcornExpression;
  acornCalls++;
  try {
    node = parseExpressionAt(source, 0, { ecmaVersion: 'latest' });
  } catch (error) {
    throw syntaxError(source, error);
  }
  if (!isAcornLambda(node) || !isTrivia(source.slice(node.end))) {
    throw lambdaError(
      'Expected an arrow function (c => ...) or a function expression (function (c) { return ...; }). ' +
        'Method shorthand (name(c) { ... }), getters, class methods and classes are not supported as dtde ' +
        'lambdas: pass an arrow function such as c => c.id.',
      source,
      { start: node.start, end: source.length },
    );
  }
  return parseRootLambdaNode(node, source, operator);
}

/** Whitespace and comments only. */
function isTrivia(text: string): boolean {
  return /^(?:\s|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*$/.test(text);
}

function syntaxError(source: string, error: unknown): DtdeTranslationError {
  if (source.includes('[native code]')) {
    return lambdaError(
      'This function has no JavaScript source (a native function, or a bound one made by .bind()), so dtde ' +
        'cannot translate it. Pass the arrow function itself: .where(c => c.total > 100).',
      source,
      { start: 0, end: source.length },
    );
  }
  const pos = typeof error === 'object' && error !== null && 'pos' in error && typeof error.pos === 'number' ? error.pos : 0;
  const reason = error instanceof Error ? error.message : String(error);
  const wrapped = lambdaError(
    `dtde could not parse the lambda source (${reason}). Pass an arrow function literal such as c => c.id; ` +
      'functions whose source text is not a complete expression cannot be translated.',
    source,
    { start: pos, end: pos + 1 },
  );
  return new DtdeTranslationError(wrapped.message, {
    lambdaSource: source,
    position: wrapped.position,
    cause: error,
  });
}

/** Freezes a tree in place; trees are shared through the cache, so no caller may change one. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
