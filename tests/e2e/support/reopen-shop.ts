import { join } from 'node:path';
import { sqlite, type DtdeContextOptions, type SqliteOptions, type SqliteProvider } from '../../../src/index.js';
import { ShopContext, shopShards } from './shop-model.js';

export interface ReopenedShop {
  readonly ctx: ShopContext;
  /** The context's provider, kept to read the driver's pool counters. */
  readonly provider: SqliteProvider;
  /** Read connections lent out plus streams not yet ended, over every file the driver opened. */
  busyConnections(): number;
}

/**
 * A new `ShopContext` over the shop folder `dir` (as `openShop` lays it out: shop.db,
 * orders-<year>.db, events-a.db, events-b.db), with its own driver, so a test can change the
 * files between contexts and choose timeouts. Creates and loads nothing: over an empty folder it
 * touches no file until a query runs.
 */
export function reopenShop(
  dir: string,
  options: { sqlite?: Omit<SqliteOptions, 'file'> } & Pick<DtdeContextOptions, 'maxParallelShards' | 'queryTimeoutMs'> = {},
): ReopenedShop {
  const provider = sqlite({ file: join(dir, 'shop.db'), ...options.sqlite });
  const ctx = new ShopContext({
    provider,
    maxParallelShards: options.maxParallelShards ?? 4,
    ...(options.queryTimeoutMs !== undefined ? { queryTimeoutMs: options.queryTimeoutMs } : {}),
    shards: shopShards,
  });
  return {
    ctx,
    provider,
    busyConnections() {
      let busy = 0;
      for (const file of provider.driver.stats().files.values()) busy += file.used + file.openStreams;
      return busy;
    },
  };
}
