import type { QueryExecutor } from '../linq/expression/query-expression.js';
import { Queryable } from '../linq/query/queryable.js';
import { DtdeInvalidOperationError } from '../errors/dtde-invalid-operation-error.js';
import type { EntityModel } from '../metadata/model.js';
import type { ContextWrites } from './context-writes.js';

/**
 * The queryable of one entity of a context: `ctx.set(Customer)` or a `customers = this.set(Customer)`
 * field. Every operator returns a new queryable; the set itself never changes. `add`, `update`
 * and `remove` mark changes for the context's next `saveChanges`, like the context's own methods,
 * and also take plain objects, since the set knows their entity.
 *
 * @example
 * const eu = await ctx.set(Customer).where(c => c.region === 'EU').orderBy(c => c.name).toArray();
 */
export class DbSet<T> extends Queryable<T> {
  /** The entity's model: table, properties, key and sharding. */
  readonly entityModel: EntityModel;

  readonly #writes: ContextWrites | undefined;

  /** @internal Created by `DtdeContext.set`. */
  constructor(entityModel: EntityModel, executor: QueryExecutor, writes?: ContextWrites) {
    super({ kind: 'query', source: { kind: 'entity', entity: entityModel.entity, name: entityModel.name }, operators: [] }, executor);
    this.entityModel = entityModel;
    this.#writes = writes;
  }

  /**
   * Marks a new entity to be inserted by the context's next `saveChanges`.
   *
   * @example
   * ctx.customers.add({ id: 7, region: 'EU', name: 'Ada', createdAt: new Date() });
   */
  add(entity: T): void {
    this.#tracker('add').track('add', this.entityModel, entity as object);
  }

  /** `add` for each entity. */
  addRange(entities: Iterable<T>): void {
    for (const entity of entities) this.add(entity);
  }

  /** Marks an entity to be written back by the next `saveChanges`; see `DtdeContext.update`. */
  update(entity: T, options: { readonly from?: Partial<T> } = {}): void {
    this.#tracker('update').track(
      'update',
      this.entityModel,
      entity as object,
      options.from as Readonly<Record<string, unknown>> | undefined,
    );
  }

  /** Marks an entity to be deleted by the next `saveChanges`; see `DtdeContext.remove`. */
  remove(entity: T, options: { readonly from?: Partial<T> } = {}): void {
    this.#tracker('remove').track(
      'remove',
      this.entityModel,
      entity as object,
      options.from as Readonly<Record<string, unknown>> | undefined,
    );
  }

  #tracker(operation: string): ContextWrites {
    if (this.#writes === undefined) {
      throw new DtdeInvalidOperationError(
        `This set was not created by a context, so it cannot ${operation}; use ctx.set(${this.entityModel.name}).`,
        { operation },
      );
    }
    return this.#writes;
  }
}
