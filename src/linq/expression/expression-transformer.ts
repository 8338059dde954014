import { DtdeTranslationError } from '../../errors/dtde-translation-error.js';
import type {
  ArrayExpression,
  BinaryExpression,
  CallExpression,
  ConditionalExpression,
  ConstantExpression,
  Expression,
  LambdaExpression,
  MemberExpression,
  ObjectExpression,
  ObjectProperty,
  ParameterExpression,
  ParamsMemberExpression,
  TemplateExpression,
  UnaryExpression,
} from './expression.js';
import { ExpressionVisitor } from './expression-visitor.js';

/**
 * Base class for rewrites. Every default method transforms the children first and rebuilds the
 * node only when a child changed, so an untouched subtree comes back as the very same object
 * (cheap, and callers can test `result === input` to know nothing happened). Override the
 * methods of the kinds you rewrite and call `super` for the rest.
 *
 * @example
 * class SwapParams extends ExpressionTransformer {
 *   protected override visitParamsMember(n: ParamsMemberExpression): Expression {
 *     return { kind: 'constant', value: 42 };
 *   }
 * }
 * const rewritten = new SwapParams().transform(lambda.body);
 */
export abstract class ExpressionTransformer<C = void> extends ExpressionVisitor<Expression, C> {
  /** Transform a node; the same object comes back when nothing below it changed. */
  transform(node: Expression, context: C): Expression {
    return this.visit(node, context);
  }

  /** Transform a lambda and keep it a lambda (its parameters must stay parameters). */
  transformLambda(node: LambdaExpression, context: C): LambdaExpression {
    const result = this.visit(node, context);
    if (result.kind !== 'lambda') {
      throw new DtdeTranslationError(
        `A rewrite turned the lambda into a '${result.kind}' node; a transformer must return a lambda for a lambda. ` +
          'Override visitLambda to keep the node a lambda.',
        { lambdaSource: node.source },
      );
    }
    return result;
  }

  protected visitLambda(node: LambdaExpression, context: C): Expression {
    // Parameters are declarations, not reads: only the body is transformed, so a visitParameter
    // override that rewrites reads of a parameter cannot break the lambda's signature.
    const body = this.visit(node.body, context);
    return body === node.body ? node : { ...node, body };
  }

  protected visitParameter(node: ParameterExpression, _context: C): Expression {
    return node;
  }

  protected visitConstant(node: ConstantExpression, _context: C): Expression {
    return node;
  }

  protected visitParamsMember(node: ParamsMemberExpression, _context: C): Expression {
    return node;
  }

  protected visitMember(node: MemberExpression, context: C): Expression {
    const object = this.visit(node.object, context);
    return object === node.object ? node : { ...node, object };
  }

  protected visitBinary(node: BinaryExpression, context: C): Expression {
    const left = this.visit(node.left, context);
    const right = this.visit(node.right, context);
    return left === node.left && right === node.right ? node : { ...node, left, right };
  }

  protected visitUnary(node: UnaryExpression, context: C): Expression {
    const operand = this.visit(node.operand, context);
    return operand === node.operand ? node : { ...node, operand };
  }

  protected visitConditional(node: ConditionalExpression, context: C): Expression {
    const test = this.visit(node.test, context);
    const consequent = this.visit(node.consequent, context);
    const alternate = this.visit(node.alternate, context);
    return test === node.test && consequent === node.consequent && alternate === node.alternate
      ? node
      : { ...node, test, consequent, alternate };
  }

  protected visitCall(node: CallExpression, context: C): Expression {
    const target = node.target === null ? null : this.visit(node.target, context);
    const args = mapSame(node.args, (a) => this.visit(a, context));
    return target === node.target && args === node.args ? node : { ...node, target, args };
  }

  protected visitObject(node: ObjectExpression, context: C): Expression {
    const properties = mapSame(node.properties, (p): ObjectProperty => {
      const value = this.visit(p.value, context);
      return value === p.value ? p : { name: p.name, value };
    });
    return properties === node.properties ? node : { ...node, properties };
  }

  protected visitArray(node: ArrayExpression, context: C): Expression {
    const elements = mapSame(node.elements, (e) => this.visit(e, context));
    return elements === node.elements ? node : { ...node, elements };
  }

  protected visitTemplate(node: TemplateExpression, context: C): Expression {
    const expressions = mapSame(node.expressions, (e) => this.visit(e, context));
    return expressions === node.expressions ? node : { ...node, expressions };
  }
}

/** Map an array, returning the input array itself when every element maps to itself. */
function mapSame<T>(items: readonly T[], fn: (item: T) => T): readonly T[] {
  let out: T[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const mapped = fn(items[i]);
    if (out === undefined && mapped !== items[i]) out = items.slice(0, i);
    if (out !== undefined) out.push(mapped);
  }
  return out ?? items;
}
