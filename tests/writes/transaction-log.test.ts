import { describe, expect, it } from 'vitest';
import { decodeRecord, encodeRecord, type TransactionRecord } from '../../src/writes/transaction-log.js';

describe('the redo record of the commit log', () => {
  it('round-trips what drivers bind: typed parameters and plain value arrays, with bigints, dates and bytes', () => {
    const record: TransactionRecord = {
      participants: [
        {
          databaseId: 'sqlite:/data/eu.db',
          shardIds: ['EU', 'years::2024'],
          redo: [
            {
              sql: 'UPDATE "A" SET "x" = ? WHERE "id" = ?',
              parameters: [
                { name: '1', value: 2n ** 62n, sqlType: 'INTEGER' },
                { name: '2', value: 'k', sqlType: 'TEXT' },
              ],
            },
            {
              sql: 'INSERT INTO "B" VALUES (?, ?, ?, ?), (?, ?, ?, ?)',
              parameters: [1n, 'a', null, new Date(5), -3n, '"quoted"', 2.5, Buffer.from([0, 255])],
            },
          ],
        },
        { databaseId: 'sqlite:/data/main.db', shardIds: ['US'], redo: null },
      ],
    };
    const text = encodeRecord(record);
    expect(text).toContain('{"$bigint":"4611686018427387904"}');
    expect(text).toContain('{"$date":"1970-01-01T00:00:00.005Z"}');
    expect(decodeRecord(text)).toEqual(record);
  });
});
