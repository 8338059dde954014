import type { EntityModel, TableName } from '../metadata/model.js';
import type { CreateTableStatement } from '../sql/sql-ast.js';

/**
 * The idempotent `CREATE TABLE` of one physical table of an entity: every property as a column
 * (type, nullability, generated identity) in declaration order, and the entity's key as the
 * primary key.
 *
 * @example
 * provider.dialect.renderCreateTable(createTableStatement(customerModel, { name: 'Customers_EU' })).sql
 * // CREATE TABLE IF NOT EXISTS "Customers_EU" ("id" INTEGER NOT NULL, ..., PRIMARY KEY ("id"))
 */
export function createTableStatement(entity: EntityModel, table: TableName): CreateTableStatement {
  return {
    kind: 'createTable',
    table,
    columns: entity.properties.map((p) => ({ name: p.column, type: p.type, nullable: p.nullable, generated: p.generated })),
    primaryKey: entity.key.map((name) => entity.propertyByName.get(name)?.column ?? name),
  };
}
