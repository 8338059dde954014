import { DtdeConfigurationError } from '../errors/dtde-configuration-error.js';
import type { ExecuteOptions, QueryExecutor, QueryExpression, TerminalOperation } from '../linq/query-expression.js';

/**
 * The executor of a context that cannot run queries yet: every execution fails with a
 * DtdeConfigurationError that says how to configure a provider. Building queries (and anything
 * that needs no database) still works.
 */
export class NoProviderExecutor implements QueryExecutor {
  readonly #contextName: string;
  readonly #providerGiven: boolean;

  constructor(contextName: string, providerGiven: boolean) {
    this.#contextName = contextName;
    this.#providerGiven = providerGiven;
  }

  async execute(_query: QueryExpression, _terminal: TerminalOperation, _options?: ExecuteOptions): Promise<unknown> {
    throw this.#error();
  }

  // eslint-disable-next-line require-yield
  async *stream(_query: QueryExpression, _options?: ExecuteOptions): AsyncIterable<unknown> {
    throw this.#error();
  }

  #error(): DtdeConfigurationError {
    const problem = this.#providerGiven
      ? `${this.#contextName} was given a provider, but no query engine is attached to it`
      : `${this.#contextName} has no provider configured, so queries cannot run`;
    return new DtdeConfigurationError(
      `${problem}; pass provider: sqlite({ file: 'app.db' }) (or another dtde provider) in the context options.`,
      { path: 'options.provider' },
    );
  }
}
