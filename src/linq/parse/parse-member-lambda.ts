import { DtdeTranslationError } from '../../errors/dtde-translation-error.js';
import type { Expression, LambdaExpression } from '../expression/expression.js';
import { lambdaError } from './lambda-error.js';
import { parseLambda } from './parse-lambda.js';

/**
 * Reads the property names a model-configuration lambda selects: `c => c.id` gives `['id']`,
 * `c => [c.tenantId, c.id]` gives `['tenantId', 'id']` (a composite key). `what` names the
 * setting in error messages, e.g. `Customer.key`.
 *
 * @example
 * e.key(c => [c.tenantId, c.id]); // parseMemberLambda(fn, 'Customer.key') -> ['tenantId', 'id']
 */
export function parseMemberLambda(fn: Function, what: string): readonly string[] {
  let lambda: LambdaExpression;
  try {
    lambda = parseLambda(fn, { operator: 'where' });
  } catch (error) {
    if (!(error instanceof DtdeTranslationError)) throw error;
    throw new DtdeTranslationError(`${what}: ${error.message}`, {
      lambdaSource: error.lambdaSource,
      position: error.position,
      cause: error,
    });
  }
  const expected = `${what} expects a lambda that selects properties of its one parameter: c => c.id, or c => [c.tenantId, c.id] for several.`;
  const error = (problem: string, at: Expression): Error =>
    lambdaError(`${what}: ${problem} ${expected}`, lambda.source, at.span ?? { start: 0, end: lambda.source.length });
  if (lambda.parameters.length !== 1) throw error(`got ${lambda.parameters.length} parameters.`, lambda);
  const body = lambda.body;
  const members = body.kind === 'array' ? body.elements : [body];
  if (members.length === 0) throw error('got an empty list.', body);
  const names: string[] = [];
  for (const m of members) {
    if (m.kind !== 'member' || m.object.kind !== 'parameter' || m.object.depth !== 0) {
      throw error('not a direct property of the parameter.', m);
    }
    if (names.includes(m.property)) throw error(`property \`${m.property}\` is listed twice.`, m);
    names.push(m.property);
  }
  return Object.freeze(names);
}
