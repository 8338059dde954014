import type * as acorn from 'acorn';
import { lambdaError } from './lambda-error.js';
import { unsupportedNodeError } from './lambda-rejection.js';
import { spanOf, type LambdaScope } from './lambda-scope.js';

/**
 * The property name of `a.b` or `a['b']`; throws for computed keys that are not string literals
 * and for private names.
 */
export function memberPropertyName(node: acorn.MemberExpression, scope: LambdaScope): string {
  const key = node.property;
  if (!node.computed && key.type === 'Identifier') return key.name;
  if (node.computed && key.type === 'Literal' && typeof key.value === 'string') return key.value;
  if (key.type === 'PrivateIdentifier') throw unsupportedNodeError(key, scope);
  throw lambdaError(
    "Computed member access needs a string literal key in a dtde lambda: write c.name or c['name']. " +
      'To choose a column at run time, build the lambda per column.',
    scope.root.source,
    spanOf(key),
  );
}
