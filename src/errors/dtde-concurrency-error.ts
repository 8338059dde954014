import { DtdeError } from './dtde-error.js';

/**
 * An update or delete found no row to change: another writer changed the row's concurrency token
 * since it was read, or removed the row, or (for an entity not read through dtde) the row is not
 * where its values say. Nothing of the save was written.
 */
export class DtdeConcurrencyError extends DtdeError {
  override readonly name = 'DtdeConcurrencyError';
  readonly code = 'DTDE_CONCURRENCY';
  /** The entity class name (`Customer`). */
  readonly entity: string;
  /** The key of the row, by property name. */
  readonly key: Readonly<Record<string, unknown>>;
  /** The shard the row was looked for in (`group::id`). */
  readonly shardId: string;

  constructor(message: string, details: { entity: string; key: Readonly<Record<string, unknown>>; shardId: string }) {
    super(message);
    this.entity = details.entity;
    this.key = details.key;
    this.shardId = details.shardId;
  }
}
