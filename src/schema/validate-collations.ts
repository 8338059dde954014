import { DtdeConfigurationError } from '../errors/dtde-configuration-error.js';
import type { Model } from '../metadata/model.js';
import type { Dialect } from '../sql/dialect.js';

/**
 * Checks that every collation the model declares (`PropertyBuilder.collation`) is one the
 * provider's engine has (`Dialect.acceptsCollation`), before the first statement: a SQLite
 * `NOCASE` on a PostgreSQL context would otherwise fail in `CREATE TABLE`, or worse, not at all
 * on tables that already exist.
 *
 * @example
 * validateCollations(model, postgresDialect);
 * // Customer.name.collation: 'NOCASE' is not a collation of postgres. Declare one postgres has ...
 */
export function validateCollations(model: Model, dialect: Dialect): void {
  if (dialect.acceptsCollation === undefined) return;
  for (const entity of model.entities.values()) {
    for (const property of entity.properties) {
      const { type } = property;
      if (type.kind !== 'string' || type.collation === undefined || dialect.acceptsCollation(type.collation)) continue;
      const path = `${entity.name}.${property.name}.collation`;
      throw new DtdeConfigurationError(
        `${path}: '${type.collation}' is not a collation of ${dialect.name}. Declare one ${dialect.name} has (README "Collation" lists them), ` +
          `or leave collation() out for its default ('${dialect.defaultCollation ?? 'BINARY'}').`,
        { path },
      );
    }
  }
}
