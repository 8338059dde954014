import type * as acorn from 'acorn';
import type { DtdeTranslationError } from '../../errors/dtde-translation-error.js';
import { lambdaError } from './lambda-error.js';
import { spanOf, type LambdaScope } from './lambda-scope.js';

/** Longest rewritten body quoted in a fix example; longer ones are abbreviated. */
const MAX_EXAMPLE_BODY = 100;

/**
 * The error for an identifier that is not a lambda parameter: a closure variable, an import or a
 * global. Its fix rewrites the user's own lambda to read the value from the params object, e.g.
 * "Pass it through the params object: .where((c, p) => c.total > p.minTotal, { minTotal })".
 */
export function freeIdentifierError(node: acorn.Identifier, scope: LambdaScope): DtdeTranslationError {
  const { root } = scope;
  const name = node.name;
  const paramsName = root.paramsName ?? pickParamsName(scope, name);
  const rowName = root.rowName ?? '_';
  const reference = `${paramsName}.${name}`;
  let body = root.source.slice(root.body.start, node.start) + reference + root.source.slice(node.end, root.body.end);
  if (body.includes('\n') || body.length > MAX_EXAMPLE_BODY) body = `… ${reference} …`;
  // acorn's spans leave out parentheses; an object body needs them back to stay an expression.
  else if (body.startsWith('{')) body = `(${body})`;
  const example = `.${root.operator}((${rowName}, ${paramsName}) => ${body}, { ${name} })`;
  return lambdaError(
    `\`${name}\` is a variable captured from outside the lambda; dtde cannot see closures. ` +
      `Pass it through the params object: ${example}`,
    root.source,
    spanOf(node),
  );
}

/** A name for the params parameter the user has not declared yet, clashing with nothing in scope. */
function pickParamsName(scope: LambdaScope, freeName: string): string {
  const taken = (n: string): boolean => n === freeName || n === scope.root.rowName || scope.bindings.has(n);
  for (const candidate of ['p', 'params', 'args']) if (!taken(candidate)) return candidate;
  let i = 2;
  while (taken(`p${i}`)) i++;
  return `p${i}`;
}
