import type { EntityModel } from '../metadata/model.js';

/**
 * What the database held for an entity object when dtde last read or wrote it: the values an
 * update needs to find the stored row (key, shard key, concurrency token, validity period).
 * `update(entity)` routes the stored row by these, so changing the shard key of an entity that
 * was read through dtde moves its row. Kept beside the object, not on it: the user's class stays
 * as declared, and the state goes away with the object.
 */
const stored = new WeakMap<object, Readonly<Record<string, unknown>>>();
const identityCache = new WeakMap<EntityModel, readonly string[]>();

/** The properties an entity's stored state keeps. */
export function identityProperties(entity: EntityModel): readonly string[] {
  let names = identityCache.get(entity);
  if (names === undefined) {
    const wanted = new Set(entity.key);
    const sharding = entity.sharding;
    // Manual tables route by predicates over any property: keep them all.
    if (sharding?.strategy === 'manual') for (const p of entity.properties) wanted.add(p.name);
    else if (sharding) wanted.add(sharding.property);
    for (const p of entity.properties) if (p.concurrencyToken) wanted.add(p.name);
    if (entity.temporal) wanted.add(entity.temporal.validFrom).add(entity.temporal.validTo);
    names = [...wanted];
    identityCache.set(entity, names);
  }
  return names;
}

/** Records `object`'s current identity values as what is stored. */
export function rememberStoredState(object: object, entity: EntityModel): void {
  const values = object as Record<string, unknown>;
  const state: Record<string, unknown> = {};
  for (const name of identityProperties(entity)) state[name] = values[name];
  stored.set(object, state);
}

export function storedStateOf(object: object): Readonly<Record<string, unknown>> | undefined {
  return stored.get(object);
}

export function forgetStoredState(object: object): void {
  stored.delete(object);
}
