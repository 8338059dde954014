import pg from 'pg';

const INT8 = 20;
const TIMESTAMP = 1114;

/** `timestamp without time zone` text read as UTC (pg reads it in the process's time zone). */
function parseUtcTimestamp(text: string): Date | string {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)$/.exec(text);
  if (m === null) return pg.types.getTypeParser(TIMESTAMP, 'text')(text) as Date | string;
  return new Date(`${m[1]}T${m[2]}Z`);
}

function typeParsers(int8: (text: string) => unknown): pg.CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
      if (format === undefined || format === 'text') {
        if (oid === INT8) return int8;
        if (oid === TIMESTAMP) return parseUtcTimestamp;
      }
      return pg.types.getTypeParser(oid, format ?? 'text');
    }) as pg.CustomTypesConfig['getTypeParser'],
  };
}

/**
 * How rows are read: `bigint` (int8) as a `number`, or as a `bigint` when a query asks for
 * `safeIntegers`; `numeric` stays exact text (the dialect converts it with the model's type);
 * `timestamptz` and `timestamp` become `Date`s, the latter read as UTC; the rest as `pg` reads
 * them (integer and double as numbers, boolean, uuid and text as they are).
 */
export const POSTGRES_TYPES = {
  numbers: typeParsers(Number),
  safeIntegers: typeParsers(BigInt),
} as const;
