/**
 * dtde expression trees: immutable plain objects with a `kind` discriminant, modelled on the useful
 * part of .NET's System.Linq.Expressions. Produced by `parseLambda`, read by the evaluator, the
 * shard resolver and the SQL translator. Nothing downstream re-parses user lambdas.
 */

/** Offsets into the lambda source that produced a node (for error carets). */
export interface SourceSpan {
  readonly start: number;
  readonly end: number;
}

interface NodeBase {
  /** Where in the lambda source this node came from; absent on nodes built by rewrites. */
  readonly span?: SourceSpan;
}

/** `(c) => body` or `(c, p) => body`. The first parameter is the row (or group), the second the params object. */
export interface LambdaExpression extends NodeBase {
  readonly kind: 'lambda';
  readonly parameters: readonly ParameterExpression[];
  readonly body: Expression;
  /** The lambda's source text as `Function.prototype.toString()` returned it. */
  readonly source: string;
}

/**
 * A lambda parameter. `role` says what it stands for: the row (`row`, first parameter), the
 * params object (`params`, second parameter), or the row of a nested aggregate lambda such as
 * `g.sum(o => o.total)` (`row` too; `depth` tells nested lambdas apart).
 */
export interface ParameterExpression extends NodeBase {
  readonly kind: 'parameter';
  readonly name: string;
  readonly role: 'row' | 'params';
  /** 0 for the outermost lambda, 1 for a lambda nested in it, and so on. */
  readonly depth: number;
}

export type ConstantValue = string | number | boolean | bigint | null | undefined;

/** A literal in the lambda source. Values from outside come through `ParamsMemberExpression`. */
export interface ConstantExpression extends NodeBase {
  readonly kind: 'constant';
  readonly value: ConstantValue;
}

/**
 * A value read from the params object: `p.min` has path `['min']`, `p.range.from` has
 * `['range', 'from']`. Bound per execution; always becomes a SQL parameter, never SQL text.
 */
export interface ParamsMemberExpression extends NodeBase {
  readonly kind: 'paramsMember';
  readonly path: readonly string[];
}

/** Property access on a row or a nested value: `c.region`, `g.key`, `g.key.year`. */
export interface MemberExpression extends NodeBase {
  readonly kind: 'member';
  readonly object: Expression;
  readonly property: string;
}

export type RelationalOperator = '<' | '<=' | '>' | '>=';
export type ComparisonOperator = '===' | '!==' | '==' | '!=' | RelationalOperator;
export type LogicalOperator = '&&' | '||' | '??';
export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%';
export type BinaryOperator = ComparisonOperator | LogicalOperator | ArithmeticOperator;

export interface BinaryExpression extends NodeBase {
  readonly kind: 'binary';
  readonly operator: BinaryOperator;
  readonly left: Expression;
  readonly right: Expression;
}

export type UnaryOperator = '!' | '-';

export interface UnaryExpression extends NodeBase {
  readonly kind: 'unary';
  readonly operator: UnaryOperator;
  readonly operand: Expression;
}

/** `test ? consequent : alternate` */
export interface ConditionalExpression extends NodeBase {
  readonly kind: 'conditional';
  readonly test: Expression;
  readonly consequent: Expression;
  readonly alternate: Expression;
}

/** String methods; `length` is the `.length` property of a non-parameter expression. */
export type StringMethod = 'startsWith' | 'endsWith' | 'toLowerCase' | 'toUpperCase' | 'trim' | 'length';
/**
 * `includes` is string containment when the target is a string and IN when the target is an
 * array (array literal or a params array); which one is decided when the target's value is known.
 */
export type ContainsMethod = 'includes';
export type MathMethod = 'Math.abs' | 'Math.round' | 'Math.floor' | 'Math.ceil' | 'Math.min' | 'Math.max';
export type DateMethod = 'getFullYear' | 'getMonth' | 'getDate' | 'getUTCFullYear' | 'getUTCMonth' | 'getUTCDate';
/** Aggregates on a group: `g.count()`, `g.sum(o => o.total)`, ... */
export type GroupAggregateMethod = 'count' | 'sum' | 'min' | 'max' | 'average';
export type MethodName = StringMethod | ContainsMethod | MathMethod | DateMethod | GroupAggregateMethod;

/**
 * A call in the supported subset. `target` is the receiver (`c.name` in `c.name.startsWith('A')`)
 * or null for static calls (`Math.abs(x)`). Aggregate calls on a group take a nested lambda as
 * their only argument (`g.sum(o => o.total)`) or none (`g.count()`).
 */
export interface CallExpression extends NodeBase {
  readonly kind: 'call';
  readonly method: MethodName;
  readonly target: Expression | null;
  readonly args: readonly Expression[];
}

export interface ObjectProperty {
  readonly name: string;
  readonly value: Expression;
}

/** A projection `{ id: c.id, name: c.name }`. Property order is kept. */
export interface ObjectExpression extends NodeBase {
  readonly kind: 'object';
  readonly properties: readonly ObjectProperty[];
}

/** `['EU', 'US']`, mostly as the target of `includes` (IN). */
export interface ArrayExpression extends NodeBase {
  readonly kind: 'array';
  readonly elements: readonly Expression[];
}

/** `` `${c.first} ${c.last}` ``: `quasis.length === expressions.length + 1`. */
export interface TemplateExpression extends NodeBase {
  readonly kind: 'template';
  readonly quasis: readonly string[];
  readonly expressions: readonly Expression[];
}

export type Expression =
  | LambdaExpression
  | ParameterExpression
  | ConstantExpression
  | ParamsMemberExpression
  | MemberExpression
  | BinaryExpression
  | UnaryExpression
  | ConditionalExpression
  | CallExpression
  | ObjectExpression
  | ArrayExpression
  | TemplateExpression;

export type ExpressionKind = Expression['kind'];

/** The node type of one kind: `ExpressionOfKind<'binary'>` is `BinaryExpression`. */
export type ExpressionOfKind<K extends ExpressionKind> = Extract<Expression, { kind: K }>;

// The one list of each operator family; parser, translator, evaluator and router all ask these.
const COMPARISON_OPERATORS: ReadonlySet<string> = new Set<ComparisonOperator>(['===', '!==', '==', '!=', '<', '<=', '>', '>=']);
const ARITHMETIC_OPERATORS: ReadonlySet<string> = new Set<ArithmeticOperator>(['+', '-', '*', '/', '%']);

export function isComparisonOperator(op: string): op is ComparisonOperator {
  return COMPARISON_OPERATORS.has(op);
}

export function isRelationalOperator(op: string): op is RelationalOperator {
  return op === '<' || op === '<=' || op === '>' || op === '>=';
}

export function isArithmeticOperator(op: string): op is ArithmeticOperator {
  return ARITHMETIC_OPERATORS.has(op);
}

export const GROUP_AGGREGATE_METHODS: ReadonlySet<string> = new Set<GroupAggregateMethod>(['count', 'sum', 'min', 'max', 'average']);
