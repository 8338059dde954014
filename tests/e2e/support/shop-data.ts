import { REGIONS, YEARS } from '../../support/shop-model.js';
import { Archive, ARCHIVE_SPLIT, Customer, Event, Order, Product } from './shop-model.js';

/** A small deterministic PRNG (mulberry32) so every run sees the same data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rnd: () => number, items: readonly T[]): T => items[Math.floor(rnd() * items.length)];

// Ties, case variants, accents and an astral character, so ordering and string matching are tested.
const NAMES = ['Ada', 'ada', 'Álvaro', 'Bob', 'bob', 'Chloé', 'Dmitri', 'Eve', 'Zoë', '李雷', 'O’Brien', '50%_off', 'a[b]*?', '😀 smile'];
const STATUSES = ['new', 'paid', 'shipped', 'cancelled'];

export interface ShopData {
  customers: Customer[];
  orders: Order[];
  events: Event[];
  products: Product[];
  archive: Archive[];
}

/** The e2e data set: a few hundred rows per entity, with nulls, ties and edge values. */
export function shopData(seed = 42, size = 1): ShopData {
  const rnd = prng(seed);
  const customers = Array.from({ length: 120 * size }, (_, i) =>
    Object.assign(new Customer(), {
      id: i + 1,
      region: pick(rnd, REGIONS),
      name: pick(rnd, NAMES),
      email: rnd() < 0.25 ? null : `user${i % 40}@example.com`,
      createdAt: new Date(
        Date.UTC(2022, Math.floor(rnd() * 24), 1 + Math.floor(rnd() * 27), Math.floor(rnd() * 24), 0, 0, Math.floor(rnd() * 1000)),
      ),
      vip: rnd() < 0.3,
      score: Math.floor(rnd() * 200) - 50,
      // From the index, not the PRNG, so the other columns stay as they were before rating existed.
      rating: i % 4 === 0 ? null : (i * 7) % 11,
    }),
  );
  const orders = Array.from({ length: 300 * size }, (_, i) =>
    Object.assign(new Order(), {
      id: i + 1,
      customerId: 1 + Math.floor(rnd() * customers.length),
      orderDate: new Date(
        Date.UTC(
          Number(pick(rnd, YEARS)),
          Math.floor(rnd() * 12),
          1 + Math.floor(rnd() * 28),
          Math.floor(rnd() * 24),
          Math.floor(rnd() * 60),
        ),
      ),
      total: Math.round(rnd() * 100000) / 100,
      status: pick(rnd, STATUSES),
      note: rnd() < 0.5 ? null : pick(rnd, ['gift', 'rush', 'Gift', 'fragile']),
    }),
  );
  const events = Array.from({ length: 200 * size }, (_, i) =>
    Object.assign(new Event(), {
      id: i + 1,
      userId: Math.floor(rnd() * 60) - 10,
      kind: pick(rnd, ['click', 'view', 'buy']),
      amount: BigInt(Math.floor(rnd() * 1000)) * 10_000_000_000n - 3n,
      at: new Date(Date.UTC(2024, 0, 1) + Math.floor(rnd() * 365 * 86_400_000)),
    }),
  );
  const products = Array.from({ length: 40 }, (_, i) =>
    Object.assign(new Product(), {
      id: i + 1,
      name: `${pick(rnd, NAMES)} ${i}`,
      price: Math.round(rnd() * 50000) / 100,
      category: rnd() < 0.2 ? null : pick(rnd, ['tools', 'toys', 'books']),
    }),
  );
  const archive = Array.from({ length: 60 }, (_, i) =>
    Object.assign(new Archive(), {
      id: i + 1,
      orderDate: new Date(ARCHIVE_SPLIT.getTime() + (rnd() - 0.5) * 4 * 365 * 86_400_000),
      total: Math.round(rnd() * 10000) / 100,
    }),
  );
  return { customers, orders, events, products, archive };
}
