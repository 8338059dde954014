import { DtdeTranslationError } from '../../errors/dtde-translation-error.js';
import type { ExecuteOptions, BoundLambda, QueryParams } from '../expression/query-expression.js';
import { parseLambda } from './parse-lambda.js';

/** Any lambda a queryable operator accepts; only its source text matters. */
export type AnyLambda = (...args: never[]) => unknown;

/**
 * Parse an operator's lambda (so unsupported lambdas fail when the query is built) and pair it
 * with its params object. A lambda that declares a params parameter needs a params object and
 * vice versa; either mismatch is almost always a forgotten argument, so it is an error.
 *
 * @example
 * bindLambda('where', (c, p) => c.total > p.min, { min: 10 });
 */
export function bindLambda(operator: string, fn: AnyLambda, params: QueryParams | undefined): BoundLambda {
  const lambda = parseLambda(fn, { operator });
  const declaresParams = lambda.parameters.some((p) => p.role === 'params');
  if (declaresParams && params === undefined) {
    throw new DtdeTranslationError(
      `The ${operator} lambda declares a params parameter but no params object was passed. ` +
        `Pass the values it reads next to the lambda: .${operator}((c, p) => ..., { name: value }).`,
      { lambdaSource: lambda.source },
    );
  }
  if (params !== undefined) {
    if (typeof params !== 'object' || params === null || Array.isArray(params)) {
      throw new DtdeTranslationError(
        `The params of ${operator} must be a plain object such as { min: 10 }, got ${Array.isArray(params) ? 'an array' : String(params)}.`,
        { lambdaSource: lambda.source },
      );
    }
    if (!declaresParams) {
      throw new DtdeTranslationError(
        `A params object was passed to ${operator} but its lambda has no second parameter to read it. ` +
          `Declare it and read values through it: .${operator}((c, p) => c.total > p.min, { min }).`,
        { lambdaSource: lambda.source },
      );
    }
  }
  return { lambda, params: params ?? {} };
}

/**
 * Sort out the optional arguments of a terminal such as `first(pred?, params?, options?)`:
 * the lambda's parameter count says whether the argument after it is params or options.
 *
 * @example
 * terminalArguments('count', [(c) => c.active, { signal }]); // { lambda: ..., options: { signal } }
 */
export function terminalArguments(
  operator: string,
  args: readonly unknown[],
): { lambda: BoundLambda | undefined; options: ExecuteOptions | undefined } {
  const [first, second, third] = args;
  if (typeof first !== 'function') return { lambda: undefined, options: first as ExecuteOptions | undefined };
  const fn = first as AnyLambda;
  const declaresParams = parseLambda(fn, { operator }).parameters.some((p) => p.role === 'params');
  return declaresParams
    ? { lambda: bindLambda(operator, fn, second as QueryParams | undefined), options: third as ExecuteOptions | undefined }
    : { lambda: bindLambda(operator, fn, undefined), options: second as ExecuteOptions | undefined };
}
