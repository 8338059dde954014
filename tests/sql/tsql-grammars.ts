import { antlr4tsSQL, type ANTLRErrorListener, SQLDialect } from 'antlr4ts-sql';
import { parseTsql } from '../planner/translate-fixtures.js';

// The two T-SQL grammars the SQL Server dialect's output is checked with:
// - sqlparser-rs (the Rust SQL parser behind DataFusion and others) in its MsSqlDialect, through
//   @guanmingchiu/sqlparser-ts, as `parseTsql` in the planner fixtures uses it;
// - the ANTLR grammars-v4 TSqlParser (tsql_file: a batch of statements), generated for antlr4ts
//   in antlr4ts-sql. Its lexer matches keywords in upper case only; antlr4tsSQL feeds it through
//   a case-changing stream, so the statement is parsed as written.

/** The first syntax error sqlparser-rs reports, or null when the text parses. */
export async function sqlparserError(text: string): Promise<string | null> {
  try {
    await parseTsql(text);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const tsql = new antlr4tsSQL(SQLDialect.TSQL);

/** The first syntax errors grammars-v4's TSqlParser reports (lexer or parser), or null when the batch parses. */
export function tsqlParserError(text: string): string | null {
  const errors: string[] = [];
  const listener: ANTLRErrorListener<unknown> = {
    syntaxError: (_recognizer, _symbol, line, column, message) => {
      // The parser lists every token it would have accepted; the start says what went wrong.
      errors.push(`${line}:${column} ${message.length > 160 ? `${message.slice(0, 160)}…` : message}`);
    },
  };
  const tokens = tsql.getTokens(text, [listener]);
  const parser = tsql.getParser(tokens, [listener]);
  tsql.getParseTree(parser);
  return errors.length === 0 ? null : errors.slice(0, 3).join('; ');
}
