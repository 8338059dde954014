import type * as acorn from 'acorn';
import {
  type ConstantValue,
  type Expression,
  type ObjectProperty,
  isArithmeticOperator,
  isComparisonOperator,
} from '../expression/expression.js';
import { lambdaError } from './lambda-error.js';
import { freeIdentifierError } from './lambda-free-identifier.js';
import { optionalChainingError, spreadError, unsupportedNodeError, type AcornExpressionLike } from './lambda-rejection.js';
import { memberPropertyName } from './lambda-member-name.js';
import { spanOf, type LambdaScope } from './lambda-scope.js';
import { parseLambdaCall } from './parse-lambda-call.js';

/** Globals that are values, not closures: allowed wherever no parameter shadows them. */
const GLOBAL_CONSTANTS: ReadonlyMap<string, ConstantValue> = new Map<string, ConstantValue>([
  ['undefined', undefined],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
]);

/**
 * Translates one acorn expression of a lambda body into a dtde Expression, or throws
 * DtdeTranslationError with a caret under the first part outside the supported subset.
 */
export function parseLambdaBody(node: AcornExpressionLike, scope: LambdaScope): Expression {
  const span = spanOf(node);
  const minified = minifiedLiteral(node);
  if (minified !== NOT_MINIFIED) return { kind: 'constant', value: minified, span };
  switch (node.type) {
    case 'Literal':
      return literal(node, scope);
    case 'Identifier':
      return identifier(node, scope);
    case 'MemberExpression':
      return member(node, scope);
    case 'CallExpression':
      return parseLambdaCall(node, scope, parseLambdaBody);
    case 'BinaryExpression': {
      const operator = node.operator;
      if (!(isComparisonOperator(operator) || isArithmeticOperator(operator)) || node.left.type === 'PrivateIdentifier') {
        throw unsupportedNodeError(node, scope);
      }
      return {
        kind: 'binary',
        operator,
        left: parseLambdaBody(node.left, scope),
        right: parseLambdaBody(node.right, scope),
        span,
      };
    }
    case 'LogicalExpression':
      return {
        kind: 'binary',
        operator: node.operator,
        left: parseLambdaBody(node.left, scope),
        right: parseLambdaBody(node.right, scope),
        span,
      };
    case 'UnaryExpression':
      return unary(node, scope);
    case 'ConditionalExpression':
      return {
        kind: 'conditional',
        test: parseLambdaBody(node.test, scope),
        consequent: parseLambdaBody(node.consequent, scope),
        alternate: parseLambdaBody(node.alternate, scope),
        span,
      };
    case 'TemplateLiteral':
      return {
        kind: 'template',
        // Untagged templates always have a cooked value; raw is only a type-level fallback.
        quasis: node.quasis.map((q) => q.value.cooked ?? q.value.raw),
        expressions: node.expressions.map((e) => parseLambdaBody(e, scope)),
        span,
      };
    case 'ObjectExpression':
      return objectLiteral(node, scope);
    case 'ArrayExpression':
      return {
        kind: 'array',
        elements: node.elements.map((e, i) => {
          if (e === null) throw holeError(node, i, scope);
          if (e.type === 'SpreadElement') throw spreadError(e, scope);
          return parseLambdaBody(e, scope);
        }),
        span,
      };
    case 'ChainExpression':
      throw optionalChainingError(node, scope);
    default:
      throw unsupportedNodeError(node, scope);
  }
}

const NOT_MINIFIED = Symbol('not a minified literal');

/**
 * The literal a minifier wrote in another form, or NOT_MINIFIED. esbuild writes `Infinity` as
 * `1/0`, `-Infinity` as `-1/0`, `NaN` as `0/0`, `undefined` as `void 0`, `true` as `!0` and
 * `false` as `!1`; a bundled lambda must mean what its source meant. Only literal operands
 * qualify, so `c.x / 0` stays a division (null in SQL) and `!c.flag` a negation.
 */
function minifiedLiteral(node: AcornExpressionLike): ConstantValue | typeof NOT_MINIFIED {
  if (node.type === 'BinaryExpression' && node.operator === '/') {
    const left = numberLiteral(node.left);
    const right = numberLiteral(node.right);
    if (left !== undefined && right !== undefined) return left / right;
  } else if (node.type === 'UnaryExpression') {
    if (node.operator === '!') {
      const operand = numberLiteral(node.argument);
      if (operand !== undefined) return !operand;
    } else if (node.operator === 'void' && node.argument.type === 'Literal' && node.argument.regex === undefined) {
      return undefined;
    }
  }
  return NOT_MINIFIED;
}

/** The value of a number literal, or of a negated one (`-1`); undefined for anything else. */
function numberLiteral(node: AcornExpressionLike): number | undefined {
  if (node.type === 'Literal') return typeof node.value === 'number' ? node.value : undefined;
  if (
    node.type === 'UnaryExpression' &&
    node.operator === '-' &&
    node.argument.type === 'Literal' &&
    typeof node.argument.value === 'number'
  ) {
    return -node.argument.value;
  }
  return undefined;
}

function literal(node: acorn.Literal, scope: LambdaScope): Expression {
  if (node.regex !== undefined || node.value instanceof RegExp) {
    throw lambdaError(
      'Regular expression literals are not supported in a dtde lambda. Use c.name.startsWith(...), ' +
        'endsWith(...) or includes(...) instead.',
      scope.root.source,
      spanOf(node),
    );
  }
  // acorn gives bigint literals a bigint value; the string form covers runtimes without BigInt.
  const value: ConstantValue = node.bigint !== undefined ? BigInt(node.bigint) : (node.value ?? null);
  return { kind: 'constant', value, span: spanOf(node) };
}

function identifier(node: acorn.Identifier, scope: LambdaScope): Expression {
  const param = scope.bindings.get(node.name);
  if (param !== undefined) {
    if (param.role === 'params') {
      const p = node.name;
      const { rowName = 'c', operator } = scope.root;
      throw lambdaError(
        `The params object \`${p}\` can only be read through its properties, e.g. ${p}.min. ` +
          `Pass each value as its own property: .${operator}((${rowName}, ${p}) => ${rowName}.total > ${p}.min, { min })`,
        scope.root.source,
        spanOf(node),
      );
    }
    return { kind: 'parameter', name: param.name, role: param.role, depth: param.depth, span: spanOf(node) };
  }
  if (GLOBAL_CONSTANTS.has(node.name)) {
    return { kind: 'constant', value: GLOBAL_CONSTANTS.get(node.name), span: spanOf(node) };
  }
  if (node.name === 'Math') {
    throw lambdaError(
      '`Math` can only be used in a call in a dtde lambda: Math.abs, Math.round, Math.floor, Math.ceil, ' +
        'Math.min or Math.max, e.g. Math.abs(c.balance).',
      scope.root.source,
      spanOf(node),
    );
  }
  throw freeIdentifierError(node, scope);
}

function member(node: acorn.MemberExpression, scope: LambdaScope): Expression {
  if (node.optional) throw optionalChainingError(node, scope);
  const span = spanOf(node);
  const property = memberPropertyName(node, scope);
  const object = node.object;
  if (object.type === 'Identifier' && scope.bindings.get(object.name)?.role === 'params') {
    return { kind: 'paramsMember', path: [property], span };
  }
  if (object.type === 'Identifier' && object.name === 'Math' && !scope.bindings.has('Math')) {
    throw lambdaError(
      `\`Math.${property}\` is not supported in a dtde lambda. Supported: Math.abs, Math.round, Math.floor, ` +
        'Math.ceil, Math.min, Math.max. Compute other values before the query and pass them through params.',
      scope.root.source,
      span,
    );
  }
  const target = parseLambdaBody(object, scope);
  // `c.length` is a column named length; `.length` of anything else is the string/array length.
  if (property === 'length' && target.kind !== 'parameter') {
    return { kind: 'call', method: 'length', target, args: [], span };
  }
  if (target.kind === 'paramsMember') return { kind: 'paramsMember', path: [...target.path, property], span };
  return { kind: 'member', object: target, property, span };
}

function unary(node: acorn.UnaryExpression, scope: LambdaScope): Expression {
  const span = spanOf(node);
  if (node.operator !== '!' && node.operator !== '-') throw unsupportedNodeError(node, scope);
  const operand = parseLambdaBody(node.argument, scope);
  // Fold negative literals so `-5` is one constant, as a reader of the tree would expect.
  if (node.operator === '-' && operand.kind === 'constant') {
    const v = operand.value;
    if (typeof v === 'number' || typeof v === 'bigint') return { kind: 'constant', value: -v, span };
  }
  return { kind: 'unary', operator: node.operator, operand, span };
}

function objectLiteral(node: acorn.ObjectExpression, scope: LambdaScope): Expression {
  const properties: ObjectProperty[] = [];
  const seen = new Set<string>();
  const error = (message: string, at: acorn.Node): Error => lambdaError(message, scope.root.source, spanOf(at));
  const row = scope.root.rowName ?? 'c';
  for (const prop of node.properties) {
    if (prop.type === 'SpreadElement') throw spreadError(prop, scope);
    if (prop.kind !== 'init' || prop.method) {
      throw error(
        `Methods, getters and setters are not supported in a dtde projection. Use plain properties: { total: ${row}.total }.`,
        prop,
      );
    }
    if (prop.computed) {
      throw error(
        `Computed property keys ([key]: ...) are not supported in a dtde projection. Use a fixed name: { total: ${row}.total }.`,
        prop.key,
      );
    }
    const name = propertyKeyName(prop.key);
    if (name === undefined)
      throw error(`Object keys must be names or string literals in a dtde projection: { total: ${row}.total }.`, prop.key);
    if (prop.shorthand) {
      throw error(
        `Shorthand property { ${name} } is not supported in a dtde projection. Name the value explicitly: { ${name}: ${row}.${name} }.`,
        prop,
      );
    }
    if (name === '__proto__') throw error('A projection property cannot be named `__proto__`. Choose another name.', prop.key);
    if (seen.has(name)) throw error(`Property \`${name}\` appears twice in this projection. Give each property its own name.`, prop.key);
    seen.add(name);
    properties.push({ name, value: parseLambdaBody(prop.value, scope) });
  }
  return { kind: 'object', properties, span: spanOf(node) };
}

function propertyKeyName(key: acorn.Expression | acorn.PrivateIdentifier): string | undefined {
  if (key.type === 'Identifier') return key.name;
  if (key.type === 'Literal' && (typeof key.value === 'string' || typeof key.value === 'number')) {
    return String(key.value);
  }
  return undefined;
}

function holeError(node: acorn.ArrayExpression, index: number, scope: LambdaScope): Error {
  // A hole has no node of its own; point at the whole array literal.
  return lambdaError(
    `Array holes ([a, , b]) are not supported in a dtde lambda (element ${index} is empty). List every element.`,
    scope.root.source,
    spanOf(node),
  );
}
