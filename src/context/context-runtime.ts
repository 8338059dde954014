import { DtdeInvalidOperationError } from '../errors/dtde-invalid-operation-error.js';
import type { ResolvedContextOptions } from './context-options.js';
import type { Model, ShardLayout } from '../metadata/model.js';
import type { DtdeProvider } from '../providers/provider.js';

/**
 * What dtde's own modules (`bulkLoad`, later `saveChanges`) need from a context beyond its public
 * API. Internal: kept off the class so users do not see it; `DtdeContext` registers one per instance.
 */
export interface ContextRuntime {
  /** The context's class name, for messages. */
  readonly contextName: string;
  readonly model: Model;
  readonly layout: ShardLayout;
  readonly options: ResolvedContextOptions;
  /**
   * The provider, once the context's start-up checks passed (they run on first use). Throws
   * `DtdeConfigurationError` without a provider and `DtdeInvalidOperationError` once closed;
   * `operation` names what was attempted in that message.
   */
  ready(operation: string): DtdeProvider;
}

const runtimes = new WeakMap<object, ContextRuntime>();

/** Called by `DtdeContext`'s constructor. */
export function registerContextRuntime(context: object, runtime: ContextRuntime): void {
  runtimes.set(context, runtime);
}

/**
 * The runtime of a context.
 *
 * @example
 * const provider = contextRuntime(ctx).ready('bulkLoad');
 */
export function contextRuntime(context: object): ContextRuntime {
  const runtime = runtimes.get(context);
  if (runtime === undefined) {
    throw new DtdeInvalidOperationError('Expected a DtdeContext; pass an instance of your context class (new ShopContext({ ... })).', {
      operation: 'contextRuntime',
    });
  }
  return runtime;
}
