import { join } from 'node:path';
import { DtdeContext, type DtdeContextOptions, type EntityTypeBuilder, type ModelBuilder, sqlite } from '../../../src/index.js';

/** A meter reading, date-sharded by month into tables created on demand. */
class Reading {
  id!: number;
  meter!: string;
  value!: number;
  takenAt!: Date;
}

/** The context of the on-demand date shard tests: only 2024-01 is declared; other months appear when written. */
export class AutoShop extends DtdeContext {
  static readonly Reading = Reading;
  readings = this.set(Reading);

  static configure(e: EntityTypeBuilder<Reading>): void {
    e.toTable('Readings');
    e.key((r) => r.id);
    e.property((r) => r.id).int();
    e.property((r) => r.meter).string(20);
    e.property((r) => r.value).int();
    e.property((r) => r.takenAt).dateTime();
  }

  protected override onModelCreating(mb: ModelBuilder): void {
    mb.entity(Reading, (e) => {
      AutoShop.configure(e);
      e.shardByDate((r) => r.takenAt, 'month')
        .useShardGroup('months')
        .autoCreate();
    });
  }
}

export function openAutoShop(dir: string, options: Omit<DtdeContextOptions, 'provider' | 'shards'> = {}): AutoShop {
  return new AutoShop({
    ...options,
    provider: sqlite({ file: join(dir, 'shop.db') }),
    shards: (s) => s.addShardGroup('months', (g) => g.addShard('2024-01')),
  });
}

export const reading = (id: number, day: string): Reading =>
  Object.assign(new Reading(), { id, meter: `m${id % 4}`, value: id * 10, takenAt: new Date(`${day}T12:00:00Z`) });
