import { beforeAll, describe, expect, it } from 'vitest';
import { type CorpusStatement, buildTsqlCorpus } from './tsql-corpus.js';
import { sqlparserError, tsqlParserError } from './tsql-grammars.js';

// Every statement the SQL Server dialect emits across dtde's features (tests/sql/tsql-corpus.ts),
// parsed by two independent T-SQL grammars: sqlparser-rs (MsSqlDialect) and grammars-v4's ANTLR
// TSqlParser. A statement either grammar rejects fails the test, named with where it came from.
// The ANTLR grammar also parses each parameterised statement behind a DECLARE of its parameters,
// as sp_executesql declares them, so the declared types (`nvarchar(8)`, `decimal(12,2)`) are
// checked too. Grammars cannot see what only a server knows (which ORDER BY a DISTINCT accepts,
// GROUP BY of a variable, % on a float): tsql-defects.test.ts checks those by text, the live suite
// on a server.

const RANDOM_QUERIES = Number(process.env.DTDE_TSQL_RANDOM_QUERIES ?? 150);

interface Checked {
  readonly sqlparser: number;
  readonly tsqlParser: number;
  readonly failures: readonly string[];
}

async function checkAll(statements: readonly Pick<CorpusStatement, 'sql' | 'declarations' | 'source'>[]): Promise<Checked> {
  const failures: string[] = [];
  let sqlparser = 0;
  let tsqlParser = 0;
  for (const s of statements) {
    const a = await sqlparserError(s.sql);
    sqlparser++;
    if (a !== null) failures.push(`sqlparser-rs rejects (${s.source}): ${s.sql}\n  ${a}`);
    const b = tsqlParserError(s.sql);
    tsqlParser++;
    if (b !== null) failures.push(`TSqlParser rejects (${s.source}): ${s.sql}\n  ${b}`);
    if (s.declarations !== '') {
      const batch = `DECLARE ${s.declarations}; ${s.sql}`;
      const c = tsqlParserError(batch);
      if (c !== null) failures.push(`TSqlParser rejects the declared parameters (${s.source}): ${batch}\n  ${c}`);
    }
  }
  return { sqlparser, tsqlParser, failures };
}

describe('T-SQL of the SQL Server dialect, checked by two grammars', () => {
  let corpus: CorpusStatement[];
  beforeAll(async () => {
    corpus = await buildTsqlCorpus({ randomQueries: RANDOM_QUERIES });
  }, 120_000);

  it('the corpus holds every kind of statement the dialect emits', () => {
    const count = (pattern: RegExp) => corpus.filter((s) => pattern.test(s.sql)).length;
    expect(count(/^SELECT /)).toBeGreaterThan(100);
    expect(count(/^SELECT DISTINCT .* ORDER BY /)).toBeGreaterThan(3);
    expect(count(/ OFFSET @p\d+ ROWS FETCH NEXT @p\d+ ROWS ONLY$/)).toBeGreaterThan(0);
    expect(count(/^SELECT TOP \(@p\d+\) /)).toBeGreaterThan(0);
    expect(count(/ GROUP BY /)).toBeGreaterThan(3);
    expect(count(/COUNT_BIG\(\*\)/)).toBeGreaterThan(3);
    expect(count(/^IF (SCHEMA_ID|OBJECT_ID)\(.* CREATE TABLE /)).toBeGreaterThan(5);
    expect(count(/^IF OBJECT_ID\(.* DROP TABLE /)).toBeGreaterThan(0);
    expect(count(/ nvarchar\(8\) COLLATE Latin1_General_100_BIN2 NOT NULL/)).toBeGreaterThan(0);
    expect(count(/INFORMATION_SCHEMA\.COLUMNS/)).toBeGreaterThan(0);
    expect(count(/^INSERT INTO .* OUTPUT INSERTED\./)).toBeGreaterThan(0);
    expect(count(/^INSERT INTO .* VALUES \(.*\), \(/)).toBeGreaterThan(0);
    expect(count(/^UPDATE \[e\] SET .* WHERE .*\[version\]/)).toBeGreaterThan(0);
    expect(count(/^DELETE \[e\] FROM /)).toBeGreaterThan(0);
    expect(count(/dtde_tx_marker/)).toBeGreaterThan(2);
    expect(count(/dtde_tx_log/)).toBeGreaterThan(2);
  });

  it('every statement parses with sqlparser-rs and with grammars-v4 TSqlParser', { timeout: 300_000 }, async () => {
    const checked = await checkAll(corpus);
    console.log(
      `T-SQL grammars: ${corpus.length} distinct statements; sqlparser-rs checked ${checked.sqlparser}, ` +
        `TSqlParser checked ${checked.tsqlParser} (plus ${corpus.filter((s) => s.declarations !== '').length} with their DECLAREd parameters)`,
    );
    expect(checked.failures).toEqual([]);
  });

  it('a statement either grammar rejects fails the check, named with its source', async () => {
    // LIMIT is not T-SQL. sqlparser-rs accepts it even in its MsSqlDialect (its parser is shared by
    // every dialect and lenient), which is why a second, T-SQL-only grammar checks every statement.
    const limit = await checkAll([{ sql: 'SELECT 1 LIMIT 5', declarations: '', source: 'a known-bad statement' }]);
    expect(limit.failures).toEqual([expect.stringMatching(/^TSqlParser rejects \(a known-bad statement\): SELECT 1 LIMIT 5\n {2}1:16 /)]);
    expect(await sqlparserError('SELECT 1 LIMIT 5')).toBeNull();
    // A statement both grammars reject is reported by both.
    const truncated = await checkAll([{ sql: 'SELECT [c].[id] FROM', declarations: '', source: 'a truncated statement' }]);
    expect(truncated.failures).toEqual([
      expect.stringMatching(/^sqlparser-rs rejects \(a truncated statement\): SELECT \[c\]\.\[id\] FROM\n/),
      expect.stringMatching(/^TSqlParser rejects \(a truncated statement\): SELECT \[c\]\.\[id\] FROM\n/),
    ]);
    // A declared type the grammar does not know is caught too.
    const declared = await checkAll([{ sql: 'SELECT @p0', declarations: '@p0 nvarchar(', source: 'a broken declaration' }]);
    expect(declared.failures).toEqual([expect.stringMatching(/^TSqlParser rejects the declared parameters \(a broken declaration\)/)]);
  });
});
