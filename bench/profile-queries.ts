// A loop of one scenario for `node --cpu-prof`: where the time of a routed lookup or page goes.
//   npx tsc -p tsconfig.bench.json && node --cpu-prof --cpu-prof-dir=.tmp/prof dist-bench/bench/profile-queries.js lookup 20000
// Scenarios: lookup, first, page, insert.
import { Customer, buildSqliteShop, makeCustomers } from './sqlite-shop.js';

const [scenario = 'lookup', countArg = '20000'] = process.argv.slice(2);
const count = Number(countArg);
const data = await buildSqliteShop(scenario === 'insert' ? 100 : scenario === 'page' ? 10_000 : 2_500);
try {
  const { shop } = data;
  const ids = data.customers.filter((c) => c.region === 'US').map((c) => c.id);
  const started = performance.now();
  if (scenario === 'insert') {
    const rows = makeCustomers(10_000);
    for (let i = 0; i < count; i++) {
      for (const r of rows) r.id += 1_000_000;
      await shop.bulkInsert(Customer, rows);
    }
  } else {
    for (let i = 0; i < count; i++) {
      const id = ids[i % ids.length]!;
      if (scenario === 'page')
        await shop.customers
          .where((c, p) => c.region === p.region, { region: 'US' })
          .orderBy((c) => c.name)
          .skip(100)
          .take(20)
          .toArray();
      else {
        const q = shop.customers.where((c, p) => c.region === p.region && c.id === p.id, { region: 'US', id });
        await (scenario === 'first' ? q.firstOrDefault() : q.toArray());
      }
    }
  }
  const us = ((performance.now() - started) * 1000) / count;
  console.log(`${scenario}: ${count} iterations, ${us.toFixed(1)} µs each`);
} finally {
  await data.close();
}
