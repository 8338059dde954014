import { DtdeConfigurationError } from '../errors/dtde-configuration-error.js';
import type { EntityClass, EntityModel, Model } from './model.js';

/**
 * The model of an entity class, or a DtdeConfigurationError naming the class and the fix when the
 * model does not configure it. `owner` names where the model comes from (a context class) in the message.
 *
 * @example
 * const customer = entityModelOf(ctx.model, Customer, 'ShopContext');
 */
export function entityModelOf<T>(model: Model, entity: EntityClass<T>, owner = 'the model'): EntityModel {
  const found = model.entities.get(entity as EntityClass);
  if (found !== undefined) return found;
  const name = typeof entity === 'function' && entity.name !== '' ? entity.name : String(entity);
  const path = `${owner}.onModelCreating`;
  throw new DtdeConfigurationError(
    `${name} is not an entity of ${owner}; configure it in onModelCreating with mb.entity(${name}, e => { e.toTable('Name'); e.key(...); e.property(...); }).`,
    { path },
  );
}
