import type { Expression } from './expression.js';
import { type ExpressionVisitorTable, visitExpression } from './expression-visitor.js';

/** What a lambda reads of its row: named properties, or the whole row (`c => c`, `c => ({ c })`). */
export interface RowMembers {
  readonly names: ReadonlySet<string>;
  readonly wholeRow: boolean;
}

/** Collects the properties of the outermost row parameter that `node` reads. */
export function rowMembers(node: Expression): RowMembers {
  const acc = { names: new Set<string>(), wholeRow: false };
  visitExpression(collector, node, acc);
  return acc;
}

type Acc = { names: Set<string>; wholeRow: boolean };

const isOuterRow = (node: Expression): boolean => node.kind === 'parameter' && node.role === 'row' && node.depth === 0;

const collector: ExpressionVisitorTable<void, Acc> = {
  lambda: (node, acc) => visitExpression(collector, node.body, acc),
  parameter: (node, acc) => {
    if (isOuterRow(node)) acc.wholeRow = true;
  },
  constant: () => undefined,
  paramsMember: () => undefined,
  member: (node, acc) => {
    if (isOuterRow(node.object)) acc.names.add(node.property);
    else visitExpression(collector, node.object, acc);
  },
  binary: (node, acc) => {
    visitExpression(collector, node.left, acc);
    visitExpression(collector, node.right, acc);
  },
  unary: (node, acc) => visitExpression(collector, node.operand, acc),
  conditional: (node, acc) => {
    visitExpression(collector, node.test, acc);
    visitExpression(collector, node.consequent, acc);
    visitExpression(collector, node.alternate, acc);
  },
  call: (node, acc) => {
    if (node.target) visitExpression(collector, node.target, acc);
    for (const a of node.args) visitExpression(collector, a, acc);
  },
  object: (node, acc) => {
    for (const p of node.properties) visitExpression(collector, p.value, acc);
  },
  array: (node, acc) => {
    for (const e of node.elements) visitExpression(collector, e, acc);
  },
  template: (node, acc) => {
    for (const e of node.expressions) visitExpression(collector, e, acc);
  },
};
