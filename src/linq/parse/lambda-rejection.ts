import type * as acorn from 'acorn';
import type { DtdeTranslationError } from '../../errors/dtde-translation-error.js';
import { lambdaError } from './lambda-error.js';
import { spanOf, type LambdaScope } from './lambda-scope.js';

/** Any acorn node that can turn up where dtde expects an expression. */
export type AcornExpressionLike = acorn.Expression | acorn.SpreadElement | acorn.Super | acorn.PrivateIdentifier;

const OPTIONAL_CHAINING =
  'Optional chaining `?.` is not supported in a dtde lambda. Write `c.a === null ? null : c.a.b` instead, ' +
  'or map the value to a nullable column.';
const SPREAD = 'Spread (`...`) is not supported in a dtde lambda. List each value or property explicitly: { id: c.id, name: c.name }.';
const NO_MUTATION = 'a query lambda must not change anything. Compare with `===`, or compute `c.x + 1` as a new value.';
const BITWISE = 'use && and || for logic and +, -, *, /, % for arithmetic.';
const NESTED_FUNCTION =
  'A function inside a dtde lambda is only allowed as the argument of a group aggregate, such as ' +
  'g.sum(o => o.total). Write the value as an expression instead.';

/** Why each unsupported node type is rejected, and what to write instead. */
function messageFor(node: AcornExpressionLike): string {
  switch (node.type) {
    case 'ThisExpression':
      return (
        '`this` is not supported in a dtde lambda: dtde translates the source text and cannot see what `this` ' +
        'refers to. Pass the value through the params object: .where((c, p) => c.owner === p.owner, { owner: this.owner })'
      );
    case 'NewExpression':
      return (
        '`new` is not supported in a dtde lambda. Create the value before the query and pass it through the params ' +
        'object: .where((c, p) => c.createdAt >= p.since, { since: new Date(Date.UTC(2024, 0, 1)) })'
      );
    case 'AssignmentExpression':
      return `Assignment (\`${node.operator}\`) is not supported in a dtde lambda: ${NO_MUTATION}`;
    case 'UpdateExpression':
      return `\`${node.operator}\` is not supported in a dtde lambda: ${NO_MUTATION}`;
    case 'SequenceExpression':
      return 'The comma operator (`a, b`) is not supported in a dtde lambda. Write a single expression.';
    case 'UnaryExpression':
      return unaryMessage(node.operator);
    case 'BinaryExpression':
      return binaryMessage(node.operator);
    case 'ChainExpression':
      return OPTIONAL_CHAINING;
    case 'SpreadElement':
      return SPREAD;
    case 'AwaitExpression':
    case 'YieldExpression':
      return (
        `\`${node.type === 'AwaitExpression' ? 'await' : 'yield'}\` is not supported in a dtde lambda: the lambda ` +
        'becomes SQL and cannot wait. Await the value before the query and pass it through the params object.'
      );
    case 'TaggedTemplateExpression':
      return (
        'Tagged templates (tag`...`) are not supported in a dtde lambda. Use a plain template literal ' +
        '`${c.first} ${c.last}` or string concatenation with +.'
      );
    case 'ArrowFunctionExpression':
    case 'FunctionExpression':
      return NESTED_FUNCTION;
    case 'ClassExpression':
      return 'Class expressions are not supported in a dtde lambda. Build the value before the query and pass it through params.';
    case 'MetaProperty':
    case 'ImportExpression':
      return '`new.target`, `import.meta` and `import()` are not supported in a dtde lambda. Pass the value through params.';
    case 'Super':
      return '`super` is not supported in a dtde lambda. Pass the value through the params object.';
    case 'PrivateIdentifier':
      return 'Private fields (`#name`) are not supported in a dtde lambda. Map the value to a public property.';
    default:
      return (
        `\`${node.type}\` is not supported in a dtde lambda. Use property access, literals, comparisons, ` +
        '&&, ||, ??, arithmetic, ?: and the supported method calls.'
      );
  }
}

function unaryMessage(operator: acorn.UnaryOperator): string {
  switch (operator) {
    case 'typeof':
      return '`typeof` is not supported in a dtde lambda. Compare the value itself, e.g. c.middleName === null.';
    case '~':
      return `Bitwise operator \`~\` is not supported in a dtde lambda; ${BITWISE}`;
    case '+':
      return 'Unary `+` (number conversion) is not supported in a dtde lambda. Store the value as a number column, or pass a number through params.';
    default:
      return `\`${operator}\` is not supported in a dtde lambda. Write a plain expression.`;
  }
}

function binaryMessage(operator: acorn.BinaryOperator): string {
  switch (operator) {
    case 'in':
      return (
        'The `in` operator is not supported in a dtde lambda. To test membership in a list use includes: ' +
        '.where((c, p) => p.regions.includes(c.region), { regions })'
      );
    case 'instanceof':
      return '`instanceof` is not supported in a dtde lambda. Compare the value itself, e.g. c.deletedAt !== null.';
    case '**':
      return 'The exponent operator `**` is not supported in a dtde lambda. Multiply explicitly (x * x), or compute the value before the query and pass it through params.';
    default:
      return `Bitwise operator \`${operator}\` is not supported in a dtde lambda; ${BITWISE}`;
  }
}

/** The error for a node outside dtde's lambda subset, with a caret under the node. */
export function unsupportedNodeError(node: AcornExpressionLike, scope: LambdaScope): DtdeTranslationError {
  return lambdaError(messageFor(node), scope.root.source, spanOf(node));
}

/** The error for `?.`, used wherever a chain turns up. */
export function optionalChainingError(node: acorn.Node, scope: LambdaScope): DtdeTranslationError {
  return lambdaError(OPTIONAL_CHAINING, scope.root.source, spanOf(node));
}

/** The error for `...x` in an array, object or argument list. */
export function spreadError(node: acorn.Node, scope: LambdaScope): DtdeTranslationError {
  return lambdaError(SPREAD, scope.root.source, spanOf(node));
}
