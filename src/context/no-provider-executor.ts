import { DtdeConfigurationError } from '../errors/dtde-configuration-error.js';
import type { ExecuteOptions, QueryExecutor, QueryExpression, TerminalOperation } from '../linq/expression/query-expression.js';

/**
 * The executor of a context without a provider: every execution fails with a
 * DtdeConfigurationError that says how to configure a provider. Building queries (and anything
 * that needs no database) still works.
 */
export class NoProviderExecutor implements QueryExecutor {
  readonly #contextName: string;

  constructor(contextName: string) {
    this.#contextName = contextName;
  }

  async execute(_query: QueryExpression, _terminal: TerminalOperation, _options?: ExecuteOptions): Promise<unknown> {
    throw this.#error();
  }

  // biome-ignore lint/correctness/useYield: like a real stream, it fails on the first next(), not when called
  async *stream(_query: QueryExpression, _options?: ExecuteOptions): AsyncIterable<unknown> {
    throw this.#error();
  }

  #error(): DtdeConfigurationError {
    return new DtdeConfigurationError(
      `${this.#contextName} has no provider configured, so queries cannot run; pass provider: sqlite({ file: 'app.db' }) (or another dtde provider) in the context options.`,
      { path: 'options.provider' },
    );
  }
}
