import type { CallExpression, ComparisonOperator, Expression } from '../linq/expression/expression.js';
import { readParamsPath } from '../linq/expression/read-params-path.js';
import { isComparisonOperator, type RelationalOperator } from '../linq/expression/expression.js';
import { visitExpression, type ExpressionVisitorTable } from '../linq/expression/expression-visitor.js';
import type { BoundLambda, QueryParams } from '../linq/expression/query-expression.js';
import type { EntityModel } from '../metadata/model.js';
import {
  andConstraints,
  EMPTY_CONSTRAINT,
  notConstraint,
  orConstraints,
  pointsConstraint,
  rangeConstraint,
  UNIVERSE_CONSTRAINT,
  UNKNOWN_CONSTRAINT,
  withoutNull,
  type KeyValue,
  type ShardKeyConstraint,
} from './shard-key-constraint.js';

/** The JavaScript types a shard key's values come in; values of any other type never prune. */
export type KeyDomain = 'number' | 'string' | 'date' | 'boolean';

/** The property the resolver extracts a constraint on. */
export interface ShardKey {
  readonly property: string;
  readonly domain: KeyDomain;
  /** A non-nullable key never holds null, so null membership is dropped from every constraint. */
  readonly nullable: boolean;
}

/**
 * The shard key of `entity` on `property`, typed from the property's column type
 * (int/bigint/decimal → number, string/uuid → string, dateTime → date, boolean → boolean).
 * Null when the model has no such property: the resolver then fans out.
 */
export function shardKeyOf(entity: EntityModel, property: string): ShardKey | null {
  const model = entity.propertyByName.get(property);
  if (model === undefined) return null;
  const kind = model.type.kind;
  const domain: KeyDomain =
    kind === 'int' || kind === 'bigint' || kind === 'decimal'
      ? 'number'
      : kind === 'dateTime'
        ? 'date'
        : kind === 'boolean'
          ? 'boolean'
          : 'string';
  return { property, domain, nullable: model.nullable };
}

/**
 * The key values for which `predicate` can be true: a sound over-approximation.
 *
 * Recognised, with the key on either side and values that are literals or params members:
 * `===` `==` `!==` `!=` `<` `<=` `>` `>=`, `array.includes(key)` on an array literal or params
 * array (IN), `true`/`false` literals, and any nesting of `&&`, `||` and `!` (negation is pushed to
 * the comparisons, so `!(k < 5)` is `k >= 5`, plus null for a nullable key). Anything else, a value
 * of another type than the key's (a string compared to a date key, say), `NaN`, or an ordering
 * against null is `unknown` for that subtree. Dates compare by instant, also under `===`, as in SQL;
 * pass dates as `Date` values (ISO strings do not prune). Numbers and bigints compare by value.
 *
 * @example
 * const c = extractShardKeyConstraint({ lambda: parseLambda((c, p) => c.region === p.r), params: { r: 'EU' } }, key);
 * describeConstraint(c); // '{"EU"}'
 */
export function extractShardKeyConstraint(predicate: BoundLambda, key: ShardKey): ShardKeyConstraint {
  const context: Context = { key, params: predicate.params, negated: false };
  const c = visitExpression(table, predicate.lambda.body, context);
  return key.nullable ? c : withoutNull(c);
}

interface Context {
  readonly key: ShardKey;
  readonly params: QueryParams;
  /** True under an odd number of `!`: the result describes where the subtree is false. */
  readonly negated: boolean;
}

const unknown = (): ShardKeyConstraint => UNKNOWN_CONSTRAINT;

// Every kind is listed so a new node kind does not compile until the extractor decides on it.
const table: ExpressionVisitorTable<ShardKeyConstraint, Context> = {
  lambda: unknown,
  parameter: unknown,
  paramsMember: unknown,
  member: unknown,
  conditional: unknown,
  object: unknown,
  array: unknown,
  template: unknown,
  constant: (node, ctx) => (Boolean(node.value) !== ctx.negated ? UNIVERSE_CONSTRAINT : EMPTY_CONSTRAINT),
  unary: (node, ctx) =>
    node.operator === '!' ? visitExpression(table, node.operand, { ...ctx, negated: !ctx.negated }) : UNKNOWN_CONSTRAINT,
  binary: (node, ctx) => {
    if (node.operator === '&&' || node.operator === '||') {
      const left = visitExpression(table, node.left, ctx);
      const right = visitExpression(table, node.right, ctx);
      // De Morgan: under negation `a && b` is false where either is false.
      const conjunction = (node.operator === '&&') !== ctx.negated;
      return conjunction ? andConstraints(left, right) : orConstraints(left, right);
    }
    const op = node.operator;
    if (!isComparisonOperator(op)) return UNKNOWN_CONSTRAINT;
    if (isKeyMember(node.left, ctx.key)) return comparison(op, node.right, ctx);
    if (isKeyMember(node.right, ctx.key)) return comparison(FLIPPED[op], node.left, ctx);
    return UNKNOWN_CONSTRAINT;
  },
  call: (node, ctx) => inList(node, ctx),
};

/** `v < k` is `k > v`. */
const FLIPPED: Record<ComparisonOperator, ComparisonOperator> = {
  '===': '===',
  '!==': '!==',
  '==': '==',
  '!=': '!=',
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
};

const NEGATED: Record<RelationalOperator, RelationalOperator> = { '<': '>=', '<=': '>', '>': '<=', '>=': '<' };

function isKeyMember(node: Expression, key: ShardKey): boolean {
  return (
    node.kind === 'member' &&
    node.property === key.property &&
    node.object.kind === 'parameter' &&
    node.object.role === 'row' &&
    node.object.depth === 0
  );
}

function comparison(op: ComparisonOperator, valueNode: Expression, ctx: Context): ShardKeyConstraint {
  const resolved = resolveValue(valueNode, ctx.params);
  if (!resolved.ok) return UNKNOWN_CONSTRAINT;
  const raw = resolved.value;
  const equality = op === '===' || op === '==' || op === '!==' || op === '!=';
  if (raw === null || raw === undefined) {
    if (!equality) return UNKNOWN_CONSTRAINT; // `k < null` coerces null to 0 in JavaScript
    const isNull = op === '===' || op === '==';
    // Over-approximate: `k === undefined` and `k == null` both count as "key is null"; the
    // complement keeps null too, since null !== undefined is true.
    return isNull !== ctx.negated ? pointsConstraint([], true) : UNIVERSE_CONSTRAINT;
  }
  const value = asKeyValue(raw, ctx.key.domain);
  if (value === undefined) return UNKNOWN_CONSTRAINT;
  if (equality) {
    const equal = (op === '===' || op === '==') !== ctx.negated;
    const points = pointsConstraint([value]);
    // A null key fails `=== v` and passes `!== v`.
    return equal ? points : notConstraint(points);
  }
  const range = op as '<' | '<=' | '>' | '>=';
  // JavaScript coerces a null key to 0 in an ordering and SQL makes it unknown; keep null either way.
  return rangeConstraint(ctx.negated ? NEGATED[range] : range, value, true);
}

/** `[a, b].includes(k)` and `p.list.includes(k)`: IN. */
function inList(node: CallExpression, ctx: Context): ShardKeyConstraint {
  if (node.method !== 'includes' || node.target === null || node.args.length !== 1) return UNKNOWN_CONSTRAINT;
  if (!isKeyMember(node.args[0], ctx.key)) return UNKNOWN_CONSTRAINT;
  let items: readonly unknown[];
  if (node.target.kind === 'array') {
    const values: unknown[] = [];
    for (const element of node.target.elements) {
      const r = resolveValue(element, ctx.params);
      if (!r.ok) return UNKNOWN_CONSTRAINT;
      values.push(r.value);
    }
    items = values;
  } else if (node.target.kind === 'paramsMember') {
    const r = resolveValue(node.target, ctx.params);
    if (!r.ok || !Array.isArray(r.value)) return UNKNOWN_CONSTRAINT;
    items = r.value;
  } else {
    return UNKNOWN_CONSTRAINT;
  }
  const points: KeyValue[] = [];
  let includesNull = false;
  for (const item of items) {
    if (item === null || item === undefined) {
      includesNull = true;
      continue;
    }
    const v = asKeyValue(item, ctx.key.domain);
    if (v === undefined) return UNKNOWN_CONSTRAINT;
    points.push(v);
  }
  const set = pointsConstraint(points, includesNull);
  return ctx.negated ? notConstraint(set) : set;
}

type Resolved = { readonly ok: true; readonly value: unknown } | { readonly ok: false };

/** A literal, a params member, or `-literal`; anything else is not a value we know at planning time. */
function resolveValue(node: Expression, params: QueryParams): Resolved {
  switch (node.kind) {
    case 'constant':
      return { ok: true, value: node.value };
    case 'paramsMember':
      return { ok: true, value: readParamsPath(params, node.path) };
    case 'unary': {
      if (node.operator !== '-') return { ok: false };
      const inner = resolveValue(node.operand, params);
      if (!inner.ok) return inner;
      const v = inner.value;
      return typeof v === 'number' || typeof v === 'bigint' ? { ok: true, value: -v } : { ok: false };
    }
    default:
      return { ok: false };
  }
}

/** The value as a key of `domain`, or undefined when it is of another type (JavaScript would coerce). */
function asKeyValue(v: unknown, domain: KeyDomain): KeyValue | undefined {
  switch (domain) {
    case 'number':
      if (typeof v === 'bigint') return v;
      return typeof v === 'number' && !Number.isNaN(v) ? v : undefined;
    case 'string':
      return typeof v === 'string' ? v : undefined;
    case 'date':
      return v instanceof Date && !Number.isNaN(v.getTime()) ? v : undefined;
    case 'boolean':
      return typeof v === 'boolean' ? v : undefined;
  }
}
