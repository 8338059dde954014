// The public API of dtde: everything a user imports comes from here, nothing internal does.
export { DtdeError } from './errors/dtde-error.js';
export { DtdeTranslationError } from './errors/dtde-translation-error.js';
export { DtdeConfigurationError } from './errors/dtde-configuration-error.js';
export { DtdeRoutingError } from './errors/dtde-routing-error.js';
export { DtdeShardError } from './errors/dtde-shard-error.js';
export { DtdeInvalidOperationError } from './errors/dtde-invalid-operation-error.js';
export { DtdeTimeoutError } from './errors/dtde-timeout-error.js';
export type * from './linq/expression.js';
