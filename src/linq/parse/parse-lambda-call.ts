import type * as acorn from 'acorn';
import type { Expression, MathMethod, MethodName } from '../expression/expression.js';
import { lambdaError } from './lambda-error.js';
import { memberPropertyName } from './lambda-member-name.js';
import { optionalChainingError, spreadError, type AcornExpressionLike } from './lambda-rejection.js';
import { isAcornLambda, spanOf, type LambdaScope } from './lambda-scope.js';

/** Translates a sub-expression; passed in by parseLambdaBody so the two modules do not import each other. */
export type TranslateExpression = (node: AcornExpressionLike, scope: LambdaScope) => Expression;

interface MethodRule {
  readonly minArgs: number;
  readonly maxArgs: number;
  /** Group aggregates take nested lambdas as arguments instead of values. */
  readonly aggregate: boolean;
}

const value = (args: number): MethodRule => ({ minArgs: args, maxArgs: args, aggregate: false });

/** Instance methods in the subset, by name (a Map, so `constructor` or `toString` never match). */
const METHODS: ReadonlyMap<string, MethodRule> = new Map<Exclude<MethodName, MathMethod | 'length'>, MethodRule>([
  ['startsWith', value(1)],
  ['endsWith', value(1)],
  ['includes', value(1)],
  ['toLowerCase', value(0)],
  ['toUpperCase', value(0)],
  ['trim', value(0)],
  ['getFullYear', value(0)],
  ['getMonth', value(0)],
  ['getDate', value(0)],
  ['getUTCFullYear', value(0)],
  ['getUTCMonth', value(0)],
  ['getUTCDate', value(0)],
  // count(o => predicate) is LINQ's Count(predicate); downstream stages may still refuse it.
  ['count', { minArgs: 0, maxArgs: 1, aggregate: true }],
  ['sum', { minArgs: 1, maxArgs: 1, aggregate: true }],
  ['min', { minArgs: 1, maxArgs: 1, aggregate: true }],
  ['max', { minArgs: 1, maxArgs: 1, aggregate: true }],
  ['average', { minArgs: 1, maxArgs: 1, aggregate: true }],
]);

const MATH_METHODS: ReadonlyMap<string, MethodRule> = new Map([
  ['abs', value(1)],
  ['round', value(1)],
  ['floor', value(1)],
  ['ceil', value(1)],
  ['min', { minArgs: 1, maxArgs: Number.POSITIVE_INFINITY, aggregate: false }],
  ['max', { minArgs: 1, maxArgs: Number.POSITIVE_INFINITY, aggregate: false }],
]);

/** The supported calls, as quoted in error messages. */
export const SUPPORTED_CALLS =
  'strings: startsWith, endsWith, includes, toLowerCase, toUpperCase, trim, .length; ' +
  'arrays: includes (as IN); Math.abs, Math.round, Math.floor, Math.ceil, Math.min, Math.max; ' +
  'dates: getFullYear, getMonth, getDate, getUTCFullYear, getUTCMonth, getUTCDate; ' +
  'groups: count(), sum(o => ...), min(o => ...), max(o => ...), average(o => ...)';

/**
 * Translates a call in the supported subset (see SUPPORTED_CALLS) into a `call` node. Group
 * aggregates get their lambda argument parsed as a nested lambda one level deeper.
 */
export function parseLambdaCall(node: acorn.CallExpression, scope: LambdaScope, translate: TranslateExpression): Expression {
  if (node.optional) throw optionalChainingError(node, scope);
  const callee = node.callee;
  const span = spanOf(node);
  const error = (message: string, at: acorn.Node): Error => lambdaError(message, scope.root.source, spanOf(at));
  if (callee.type !== 'MemberExpression') {
    if (callee.type === 'Identifier' && scope.bindings.has(callee.name)) {
      throw error(
        `Calling the parameter \`${callee.name}\` is not supported in a dtde lambda. Supported calls: ${SUPPORTED_CALLS}.`,
        callee,
      );
    }
    const what = callee.type === 'Identifier' ? `\`${callee.name}(...)\`` : 'This call';
    throw error(
      `${what} is not supported in a dtde lambda: dtde can translate only these calls: ${SUPPORTED_CALLS}. ` +
        'Call other functions before the query and pass the result through the params object: ' +
        '.where((c, p) => c.code === p.code, { code: computeCode() })',
      callee,
    );
  }
  if (callee.optional) throw optionalChainingError(callee, scope);
  const name = memberPropertyName(callee, scope);
  const args = node.arguments.map((a) => {
    if (a.type === 'SpreadElement') throw spreadError(a, scope);
    return a;
  });

  if (callee.object.type === 'Identifier' && callee.object.name === 'Math' && !scope.bindings.has('Math')) {
    const rule = MATH_METHODS.get(name);
    if (rule === undefined) {
      throw error(
        `\`Math.${name}\` is not supported in a dtde lambda. Supported: Math.abs, Math.round, Math.floor, ` +
          'Math.ceil, Math.min, Math.max. Compute other values before the query and pass them through params.',
        callee,
      );
    }
    checkArity(node, `Math.${name}`, rule, scope);
    const method = `Math.${name}` as MathMethod;
    return { kind: 'call', method, target: null, args: args.map((a) => translate(a, scope)), span };
  }

  const rule = METHODS.get(name);
  if (rule === undefined) {
    throw error(
      `\`.${name}()\` is not a supported method in a dtde lambda. Supported calls: ${SUPPORTED_CALLS}. ` +
        'Compute other values before the query and pass them through params: .where((c, p) => c.code === p.code, { code })',
      callee.property,
    );
  }
  checkArity(node, `.${name}`, rule, scope);
  const target = translate(callee.object, scope);
  const method = name as MethodName;
  if (!rule.aggregate) return { kind: 'call', method, target, args: args.map((a) => translate(a, scope)), span };

  const lambdas = args.map((a) => {
    if (isAcornLambda(a)) return scope.parseNested(a, scope);
    throw error(`\`.${name}(...)\` takes a lambda over the group's rows in a dtde lambda, e.g. g.${name}(o => o.total).`, a);
  });
  return { kind: 'call', method, target, args: lambdas, span };
}

function checkArity(node: acorn.CallExpression, display: string, rule: MethodRule, scope: LambdaScope): void {
  const n = node.arguments.length;
  if (n >= rule.minArgs && n <= rule.maxArgs) return;
  const expected =
    rule.maxArgs === Number.POSITIVE_INFINITY
      ? `at least ${rule.minArgs} argument${rule.minArgs === 1 ? '' : 's'}`
      : rule.minArgs === rule.maxArgs
        ? `${rule.minArgs === 0 ? 'no' : `exactly ${rule.minArgs}`} argument${rule.minArgs === 1 ? '' : 's'}`
        : `${rule.minArgs} to ${rule.maxArgs} arguments`;
  throw lambdaError(
    `${display}() takes ${expected} in a dtde lambda, but was called with ${n}. ` +
      'Extra arguments such as a start position are not supported; drop them.',
    scope.root.source,
    spanOf(node),
  );
}
