import type { Expression } from '../linq/expression/expression.js';
import type { BoundLambda } from '../linq/expression/query-expression.js';
import type { EntityModel } from '../metadata/model.js';

/**
 * Whether `filters` (ANDed, over the row) fix every primary-key column to one value known at plan
 * time (`c.id === 42`, `c.id === p.id`, and one such conjunct per column of a composite key): then
 * a shard holds at most one matching row.
 *
 * @example
 * pinsPrimaryKey([where((c, p) => c.region === p.region && c.id === p.id)], customer); // true
 * pinsPrimaryKey([where((c) => c.id > 5)], customer); // false
 */
export function pinsPrimaryKey(filters: readonly BoundLambda[], entity: EntityModel): boolean {
  if (entity.key.length === 0) return false;
  const pinned = new Set<string>();
  for (const filter of filters) for (const conjunct of conjuncts(filter.lambda.body)) pin(conjunct, pinned);
  return entity.key.every((k) => pinned.has(k));
}

function conjuncts(body: Expression): Expression[] {
  if (body.kind === 'binary' && body.operator === '&&') return [...conjuncts(body.left), ...conjuncts(body.right)];
  return [body];
}

function pin(node: Expression, pinned: Set<string>): void {
  if (node.kind !== 'binary' || (node.operator !== '===' && node.operator !== '==')) return;
  const sides = [
    [node.left, node.right],
    [node.right, node.left],
  ] as const;
  for (const [member, value] of sides) {
    if (isRowMember(member) && (value.kind === 'constant' || value.kind === 'paramsMember')) pinned.add(member.property);
  }
}

function isRowMember(node: Expression): node is Extract<Expression, { kind: 'member' }> {
  return node.kind === 'member' && node.object.kind === 'parameter' && node.object.role === 'row' && node.object.depth === 0;
}
