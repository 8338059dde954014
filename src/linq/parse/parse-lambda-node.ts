import type * as acorn from 'acorn';
import type { LambdaExpression, ParameterExpression } from '../expression/expression.js';
import { lambdaError } from './lambda-error.js';
import { spanOf, type AcornLambda, type LambdaRoot, type LambdaScope } from './lambda-scope.js';
import { parseLambdaBody } from './parse-lambda-body.js';

interface LambdaShape {
  readonly params: readonly acorn.Identifier[];
  readonly body: acorn.Expression;
}

/**
 * Translates the outermost lambda node: up to two parameters (row, params object) and a body.
 * `source` is the whole `toString()` text; every span in the result is an offset into it.
 */
export function parseRootLambdaNode(fn: AcornLambda, source: string, operator: string): LambdaExpression {
  const { params, body } = lambdaShape(fn, source, false);
  const parameters: ParameterExpression[] = params.map((id, i) => ({
    kind: 'parameter',
    name: id.name,
    role: i === 0 ? 'row' : 'params',
    depth: 0,
    span: spanOf(id),
  }));
  const root: LambdaRoot = { source, rowName: params[0]?.name, paramsName: params[1]?.name, body: spanOf(body), operator };
  const scope: LambdaScope = {
    root,
    depth: 0,
    bindings: new Map(parameters.map((p) => [p.name, p])),
    parseNested: parseNestedLambdaNode,
  };
  return { kind: 'lambda', parameters, body: parseLambdaBody(body, scope), source, span: spanOf(fn) };
}

/**
 * Translates a lambda nested in an aggregate call (`o => o.total` in `g.sum(o => o.total)`): one
 * row parameter at depth + 1; the outer parameters stay visible unless shadowed. Its `source` is
 * its own text, but its spans, like all spans in the tree, are offsets into the root source.
 */
export function parseNestedLambdaNode(fn: AcornLambda, outer: LambdaScope): LambdaExpression {
  const source = outer.root.source;
  const { params, body } = lambdaShape(fn, source, true);
  const id = params[0] as acorn.Identifier;
  const depth = outer.depth + 1;
  const parameter: ParameterExpression = { kind: 'parameter', name: id.name, role: 'row', depth, span: spanOf(id) };
  const bindings = new Map(outer.bindings);
  bindings.set(id.name, parameter);
  const scope: LambdaScope = { ...outer, depth, bindings };
  return {
    kind: 'lambda',
    parameters: [parameter],
    body: parseLambdaBody(body, scope),
    source: source.slice(fn.start, fn.end),
    span: spanOf(fn),
  };
}

/** Checks the function's form and returns its plain parameters and its single body expression. */
function lambdaShape(fn: AcornLambda, source: string, nested: boolean): LambdaShape {
  const error = (message: string, at: { start: number; end: number }): Error => lambdaError(message, source, spanOf(at));
  if (fn.async) {
    throw error(
      'Async lambdas are not supported: dtde translates the lambda to SQL and cannot await inside it. ' +
        'Remove `async`, await any value before the query and pass it through the params object.',
      { start: fn.start, end: fn.start + 'async'.length },
    );
  }
  if (fn.generator) throw error('Generator functions are not supported as dtde lambdas. Write an arrow function: c => c.total > 100.', fn);

  if (nested && fn.params.length !== 1) {
    const at = fn.params.length === 0 ? fn : { start: fn.params[0].start, end: fn.params[fn.params.length - 1].end };
    throw error('A nested aggregate lambda takes exactly one parameter, the row of the group: g.sum(o => o.total).', at);
  }
  if (!nested && fn.params.length > 2) {
    throw error(
      'A dtde lambda takes at most 2 parameters: the row and the params object. Put every outside value on the ' +
        'params object: .where((c, p) => c.total > p.min && c.total < p.max, { min, max })',
      { start: fn.params[2].start, end: fn.params[fn.params.length - 1].end },
    );
  }

  const params: acorn.Identifier[] = [];
  for (const param of fn.params) {
    if (param.type !== 'Identifier') throw error(patternMessage(param), param);
    if (params.some((p) => p.name === param.name)) {
      throw error(
        `Parameter \`${param.name}\` is declared twice. Give the row and the params object different names: (c, p) => ...`,
        param,
      );
    }
    params.push(param);
  }
  return { params, body: bodyExpression(fn, source) };
}

function patternMessage(param: acorn.Pattern): string {
  switch (param.type) {
    case 'ObjectPattern':
    case 'ArrayPattern':
      return (
        'Destructuring parameters are not supported in a dtde lambda. Use plain parameters and read properties: ' +
        '(c, p) => c.region === p.region instead of ({ region }) => ...'
      );
    case 'AssignmentPattern':
      return 'Default parameter values are not supported in a dtde lambda. Pass the value through the params object: (c, p) => c.total > p.min.';
    case 'RestElement':
      return 'Rest parameters (...args) are not supported in a dtde lambda. Use (c, p) => ... with a row and a params object.';
    default:
      return 'Only plain parameter names are supported in a dtde lambda: (c, p) => ...';
  }
}

/** The expression body, or the argument of the single `return` of a block body. */
function bodyExpression(fn: AcornLambda, source: string): acorn.Expression {
  if (fn.body.type !== 'BlockStatement') return fn.body;
  const statements = fn.body.body;
  const only = statements.length === 1 ? statements[0] : undefined;
  if (only?.type === 'ReturnStatement' && only.argument) return only.argument;
  // Point at the first statement that is not the lone return (or at the empty block).
  const offender =
    statements.length === 0 ? fn.body : (statements.find((s) => s.type !== 'ReturnStatement' || !s.argument) ?? statements[1] ?? fn.body);
  throw lambdaError(
    'A block-bodied dtde lambda must contain exactly one statement, `return <expression>;`. Move other ' +
      'statements out of the lambda, or write an expression body: c => c.total > 100.',
    source,
    spanOf(offender),
  );
}
