import type { EntityModel } from '../metadata/model.js';

/** One change waiting for `saveChanges`. */
export interface PendingChange {
  readonly kind: 'add' | 'update' | 'remove';
  readonly entity: EntityModel;
  readonly object: object;
  /**
   * For update and remove: the stored values that find the row (key, shard key, token), from
   * `update(entity, { from })`. Absent: the values the entity had when dtde last read or saved it,
   * else its current values.
   */
  readonly from?: Readonly<Record<string, unknown>>;
}
