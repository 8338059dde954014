import type {
  ArrayExpression,
  BinaryExpression,
  CallExpression,
  ConditionalExpression,
  ConstantExpression,
  Expression,
  ExpressionKind,
  ExpressionOfKind,
  LambdaExpression,
  MemberExpression,
  ObjectExpression,
  ParameterExpression,
  ParamsMemberExpression,
  TemplateExpression,
  UnaryExpression,
} from './expression.js';

/**
 * One handler per node kind. Because the keys are a mapped type over `ExpressionKind`, adding a
 * node kind to `expression.ts` makes every table that misses it a compile error (the model is
 * Kysely's `OperationNodeVisitor`).
 *
 * @example
 * const countNodes: ExpressionVisitorTable<number, void> = { constant: () => 1, ... };
 * visitExpression(countNodes, node, undefined);
 */
export type ExpressionVisitorTable<R, C> = {
  readonly [K in ExpressionKind]: (node: ExpressionOfKind<K>, context: C) => R;
};

/**
 * Dispatch `node` to the handler of its kind.
 *
 * @example
 * const value = visitExpression(evaluatorTable, lambda.body, scope);
 */
export function visitExpression<R, C>(table: ExpressionVisitorTable<R, C>, node: Expression, context: C): R {
  // The mapped type guarantees table[node.kind] accepts exactly that node; TS cannot correlate the two.
  const handler = table[node.kind] as (node: Expression, context: C) => R;
  return handler(node, context);
}

/**
 * Base class for visitors written as classes: one abstract method per node kind, dispatched
 * through an `ExpressionVisitorTable` so a new node kind breaks the build until it is handled.
 *
 * @example
 * class ColumnNames extends ExpressionVisitor<string[]> {
 *   protected visitMember(n: MemberExpression) { return [n.property, ...this.visit(n.object)]; }
 *   // ...one method per kind
 * }
 * new ColumnNames().visit(lambda.body);
 */
export abstract class ExpressionVisitor<R, C = void> {
  readonly #table: ExpressionVisitorTable<R, C> = {
    lambda: (node, context) => this.visitLambda(node, context),
    parameter: (node, context) => this.visitParameter(node, context),
    constant: (node, context) => this.visitConstant(node, context),
    paramsMember: (node, context) => this.visitParamsMember(node, context),
    member: (node, context) => this.visitMember(node, context),
    binary: (node, context) => this.visitBinary(node, context),
    unary: (node, context) => this.visitUnary(node, context),
    conditional: (node, context) => this.visitConditional(node, context),
    call: (node, context) => this.visitCall(node, context),
    object: (node, context) => this.visitObject(node, context),
    array: (node, context) => this.visitArray(node, context),
    template: (node, context) => this.visitTemplate(node, context),
  };

  /** Visit one node: calls the `visitX` method of its kind. */
  visit(node: Expression, context: C): R {
    return visitExpression(this.#table, node, context);
  }

  protected abstract visitLambda(node: LambdaExpression, context: C): R;
  protected abstract visitParameter(node: ParameterExpression, context: C): R;
  protected abstract visitConstant(node: ConstantExpression, context: C): R;
  protected abstract visitParamsMember(node: ParamsMemberExpression, context: C): R;
  protected abstract visitMember(node: MemberExpression, context: C): R;
  protected abstract visitBinary(node: BinaryExpression, context: C): R;
  protected abstract visitUnary(node: UnaryExpression, context: C): R;
  protected abstract visitConditional(node: ConditionalExpression, context: C): R;
  protected abstract visitCall(node: CallExpression, context: C): R;
  protected abstract visitObject(node: ObjectExpression, context: C): R;
  protected abstract visitArray(node: ArrayExpression, context: C): R;
  protected abstract visitTemplate(node: TemplateExpression, context: C): R;
}
