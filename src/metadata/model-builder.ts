import { DtdeConfigurationError } from '../errors/dtde-configuration-error.js';
import { DEFAULT_MAX_IDENTIFIER_LENGTH, formatTableName } from './identifier.js';
import { EntityTypeBuilder } from './entity-type-builder.js';
import type { EntityClass, EntityModel, Model } from './model.js';

export interface ModelBuilderOptions {
  /** Longest identifier accepted (tables, schemas, columns). Default 128 (SQL Server); PostgreSQL allows 63. */
  readonly maxIdentifierLength?: number;
}

/**
 * The fluent model API a context's `onModelCreating` receives. Each `entity` call configures one
 * class; calling it again for the same class continues that configuration. `build()` validates
 * everything and returns the immutable `Model`.
 *
 * @example
 * const mb = new ModelBuilder();
 * mb.entity(Customer, e => {
 *   e.toTable('Customers');
 *   e.key(c => c.id);
 *   e.property(c => c.id).int();
 *   e.property(c => c.region).string(8);
 *   e.shardBy(c => c.region);
 * });
 * const model = mb.build();
 */
export class ModelBuilder {
  readonly #maxIdentifierLength: number;
  readonly #entities = new Map<EntityClass, EntityTypeBuilder<unknown>>();

  constructor(options: ModelBuilderOptions = {}) {
    this.#maxIdentifierLength = options.maxIdentifierLength ?? DEFAULT_MAX_IDENTIFIER_LENGTH;
  }

  /**
   * Configures the entity class `entity` through `configure`; a second call for the same class
   * continues the same configuration. Returns the builder, so calls chain. The class itself (not
   * its name, which minifiers change) identifies the entity; name its table with `e.toTable`.
   *
   * @example mb.entity(Customer, e => { e.toTable('Customers'); e.key(c => c.id); e.property(c => c.id).int(); });
   */
  entity<T>(entity: EntityClass<T>, configure: (e: EntityTypeBuilder<T>) => void): this {
    if (typeof entity !== 'function') {
      throw new DtdeConfigurationError(`ModelBuilder.entity: expected an entity class, got ${entity === null ? 'null' : typeof entity}.`, {
        path: 'ModelBuilder.entity',
      });
    }
    let builder = this.#entities.get(entity) as EntityTypeBuilder<T> | undefined;
    if (builder === undefined) {
      builder = new EntityTypeBuilder<T>(entity, this.#maxIdentifierLength);
      this.#entities.set(entity, builder as EntityTypeBuilder<unknown>);
    }
    configure(builder);
    return this;
  }

  /** Validates every entity and returns the model. */
  build(): Model {
    const entities = new Map<EntityClass, EntityModel>();
    const tables = new Map<string, string>();
    for (const [cls, builder] of this.#entities) {
      const entity = builder.build();
      const table = formatTableName(entity.table).toLowerCase();
      const other = tables.get(table);
      if (other !== undefined) {
        const path = `${entity.name}.toTable`;
        throw new DtdeConfigurationError(
          `${path}: entities ${other} and ${entity.name} both map to table '${formatTableName(entity.table)}'; give one of them another toTable(name).`,
          { path },
        );
      }
      tables.set(table, entity.name);
      entities.set(cls, entity);
    }
    return Object.freeze({ entities });
  }
}
