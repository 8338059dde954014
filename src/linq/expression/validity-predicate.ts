import type { Expression, LambdaExpression, ParameterExpression } from './expression.js';
import type { BoundLambda } from './query-expression.js';

const ROW: ParameterExpression = { kind: 'parameter', name: 'v', role: 'row', depth: 0 };
const PARAMS: ParameterExpression = { kind: 'parameter', name: 'p', role: 'params', depth: 0 };

const member = (property: string): Expression => ({ kind: 'member', object: ROW, property });
const param = (name: string): Expression => ({ kind: 'paramsMember', path: [name] });
const and = (left: Expression, right: Expression): Expression => ({ kind: 'binary', operator: '&&', left, right });
const or = (left: Expression, right: Expression): Expression => ({ kind: 'binary', operator: '||', left, right });

/** `validTo === null || validTo > p.<bound>`: the version is still open, or ends after the bound. */
function endsAfter(validTo: string, bound: string): Expression {
  const isNull: Expression = { kind: 'binary', operator: '===', left: member(validTo), right: { kind: 'constant', value: null } };
  return or(isNull, { kind: 'binary', operator: '>', left: member(validTo), right: param(bound) });
}

function bound(body: Expression, source: string, params: Record<string, Date>): BoundLambda {
  const lambda: LambdaExpression = { kind: 'lambda', parameters: [ROW, PARAMS], body, source };
  return { lambda, params };
}

/**
 * The filter of `validAt(at)` as a where predicate over the row, so pruning, SQL and the in-memory
 * evaluator treat it like any user predicate: `validFrom <= at && (validTo === null || validTo > at)`.
 * Validity is half-open: a version closed at `t` is not valid at `t`; its successor is.
 */
export function validAtPredicate(validFrom: string, validTo: string, at: Date): BoundLambda {
  const body = and({ kind: 'binary', operator: '<=', left: member(validFrom), right: param('at') }, endsAfter(validTo, 'at'));
  return bound(body, `(v, p) => v.${validFrom} <= p.at && (v.${validTo} === null || v.${validTo} > p.at)`, { at });
}

/**
 * The versions overlapping the half-open window `[from, to)`:
 * `p.from < p.to && validFrom < to && (validTo === null || validTo > from)`; an empty window matches nothing.
 */
export function validBetweenPredicate(validFrom: string, validTo: string, from: Date, to: Date): BoundLambda {
  const nonEmpty: Expression = { kind: 'binary', operator: '<', left: param('from'), right: param('to') };
  const body = and(
    nonEmpty,
    and({ kind: 'binary', operator: '<', left: member(validFrom), right: param('to') }, endsAfter(validTo, 'from')),
  );
  return bound(body, `(v, p) => p.from < p.to && v.${validFrom} < p.to && (v.${validTo} === null || v.${validTo} > p.from)`, { from, to });
}
