import { describe, expect, it } from 'vitest';
import { MssqlConnectionSlots } from '../../../src/providers/mssql/mssql-connection-slots.js';

describe('MssqlConnectionSlots', () => {
  const exhausted = () => new Error('pool exhausted');

  it('lends up to its size, then serves waiters in arrival order as slots come back', async () => {
    const slots = new MssqlConnectionSlots(2, 10_000, exhausted);
    const a = await slots.take();
    const b = await slots.take();
    const order: string[] = [];
    const noted = (name: string) => (give: () => void) => {
      order.push(name);
      return give;
    };
    const c = slots.take().then(noted('c'));
    const d = slots.take().then(noted('d'));
    expect(slots.counts).toEqual({ used: 2, waiting: 2 });
    b();
    b(); // giving back twice gives back once
    (await c)();
    a();
    (await d)();
    expect(order).toEqual(['c', 'd']);
    expect(slots.counts).toEqual({ used: 0, waiting: 0 });
  });

  it('an abort ends a wait at once with its reason; a wait past the timeout is the timeout error', async () => {
    const slots = new MssqlConnectionSlots(1, 50, exhausted);
    const held = await slots.take();
    const controller = new AbortController();
    const waiting = slots.take(controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    await expect(slots.take()).rejects.toThrow('pool exhausted');
    expect(slots.counts).toEqual({ used: 1, waiting: 0 });
    held();
    expect(slots.counts).toEqual({ used: 0, waiting: 0 });
  });

  it('closing fails every waiter', async () => {
    const slots = new MssqlConnectionSlots(1, 10_000, exhausted);
    await slots.take();
    const waiters = [slots.take(), slots.take()];
    slots.failWaiting(new Error('closed'));
    for (const w of waiters) await expect(w).rejects.toThrow('closed');
  });
});
