import { DtdeContext, type ModelBuilder, type ShardsBuilder } from '../../../src/index.js';
import { Archive, configureShop, Customer, Event, Order, Product, shopShards as layOutShop } from '../../support/shop-model.js';

// The e2e shop: the shared test model (tests/support/shop-model.ts) over SQLite files, with orders
// in one file per year. e2e tests import the entities from here, beside the context that serves them.
export { Archive, ARCHIVE_SPLIT, Customer, Event, Order, Product } from '../../support/shop-model.js';

export class ShopContext extends DtdeContext {
  customers = this.set(Customer);
  orders = this.set(Order);
  events = this.set(Event);
  products = this.set(Product);
  archive = this.set(Archive);

  protected override onModelCreating(mb: ModelBuilder): void {
    configureShop(mb, { orders: { storage: 'databases' } });
  }
}

/**
 * The e2e layout: customers in table shards of the main file, orders in one file per year
 * (orders-2023.db …), events in table shards spread over events-a.db and events-b.db (mixed mode).
 */
export function shopShards(s: ShardsBuilder): ShardsBuilder {
  return layOutShop(s, { files: true });
}
