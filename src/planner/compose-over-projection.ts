import { DtdeTranslationError } from '../errors/dtde-translation-error.js';
import type {
  Expression,
  LambdaExpression,
  MemberExpression,
  ParameterExpression,
  ParamsMemberExpression,
} from '../linq/expression/expression.js';
import { ExpressionTransformer } from '../linq/expression/expression-transformer.js';
import { formatLambdaCaret } from '../linq/parse/lambda-error.js';
import type { BoundLambda, QueryParams } from '../linq/expression/query-expression.js';

// The params objects made here, told apart from a user's params object (which may have the same keys).
const composed = new WeakSet<QueryParams>();

/**
 * Rewrites `outer`, a lambda over the output of `projection`, into a lambda over the projection's
 * input row: `select(c => ({ n: c.name })).orderBy(x => x.n)` orders by `c.name`. Both lambdas may
 * read their own params object, so the composed lambda reads `{ outer, inner }` and every params
 * path is prefixed accordingly.
 */
export function composeOverProjection(outer: BoundLambda, projection: BoundLambda): BoundLambda {
  const innerBody = new PrefixParams('inner').transform(projection.lambda.body, undefined);
  const outerBody = new PrefixParams('outer').transform(outer.lambda.body, undefined);
  const body = new SubstituteRow(innerBody, outer.lambda).transform(outerBody, undefined);
  const row = projection.lambda.parameters.find((p) => p.role === 'row');
  const paramsParameter: ParameterExpression = { kind: 'parameter', name: 'p', role: 'params', depth: 0 };
  const lambda: LambdaExpression = {
    kind: 'lambda',
    parameters: row ? [row, paramsParameter] : [paramsParameter],
    body,
    source: outer.lambda.source,
  };
  return { lambda, params: composeParams(outer.params, projection.params) };
}

/** The params object of a composed lambda: `{ outer, inner }`, marked as made here (see `composedParams`). */
export function composeParams(outer: QueryParams, inner: QueryParams): QueryParams {
  const params = { outer, inner };
  composed.add(params);
  return params;
}

/**
 * The two params objects a composed lambda reads (its paths start with `outer` or `inner`), or
 * undefined for a params object the user passed.
 *
 * @example
 * composedParams(composeOverProjection(where, select).params); // { outer: where.params, inner: select.params }
 */
export function composedParams(params: QueryParams): { readonly outer: QueryParams; readonly inner: QueryParams } | undefined {
  return composed.has(params) ? (params as { readonly outer: QueryParams; readonly inner: QueryParams }) : undefined;
}

class PrefixParams extends ExpressionTransformer {
  constructor(private readonly prefix: string) {
    super();
  }

  protected override visitParamsMember(node: ParamsMemberExpression): Expression {
    return { ...node, path: [this.prefix, ...node.path] };
  }
}

/** Replaces reads of the outer lambda's row parameter with the projection body, then folds `{ a: x }.a` to `x`. */
class SubstituteRow extends ExpressionTransformer {
  constructor(
    private readonly replacement: Expression,
    private readonly outer: LambdaExpression,
  ) {
    super();
  }

  protected override visitParameter(node: ParameterExpression): Expression {
    return node.role === 'row' && node.depth === 0 ? this.replacement : node;
  }

  protected override visitMember(node: MemberExpression): Expression {
    const object = this.visit(node.object, undefined);
    if (object.kind !== 'object') {
      if (object === node.object) return node;
      // The parser reads `x.length` on a row as a property; once the row is a projected value
      // (`select(c => c.name).where(n => n.length > 3)`) it is the string's length, as the parser
      // writes it anywhere else.
      if (node.property === 'length' && node.object.kind === 'parameter' && object.kind !== 'parameter') {
        return { kind: 'call', method: 'length', target: object, args: [], span: node.span };
      }
      return { ...node, object };
    }
    const property = object.properties.find((p) => p.name === node.property);
    if (property) return property.value;
    const where = node.span ? `\n${formatLambdaCaret(this.outer.source, node.span)}` : '';
    throw new DtdeTranslationError(
      `The projection has no property '${node.property}'; it has ${object.properties.map((p) => `'${p.name}'`).join(', ')}.` +
        ` Read one of those, or add '${node.property}' to the select.${where}`,
      { lambdaSource: this.outer.source, position: node.span },
    );
  }
}
