// The public API of dtde: everything a user imports comes from here, nothing internal does.
// Writing a provider is the other entry, `dtde/provider` (src/provider.ts).

// SQL Server's dialect renders `toQueryString({ dialect: 'mssql' })` anywhere; its module
// registers it by name as it loads (SQLite's does the same, below).
import './providers/mssql/mssql-dialect.js';

// Context, sets and configuration
export { DtdeContext, type SaveChangesOptions } from './context/dtde-context.js';
export { DbSet } from './context/db-set.js';
export { TemporalDbSet } from './context/temporal-db-set.js';
export type { DtdeContextOptions, ResolvedContextOptions } from './context/context-options.js';
export type { LogLevel, LogOption, QueryLogEvent } from './context/query-log.js';
export { ModelBuilder, type ModelBuilderOptions } from './metadata/model-builder.js';
export { EntityTypeBuilder, type ShardByOptions, type ValueShardKey, type HashShardKey } from './metadata/entity-type-builder.js';
export {
  PropertyBuilder,
  type PropertyBuilderFor,
  type PropertySettings,
  type NumberPropertyBuilder,
  type BigIntPropertyBuilder,
  type StringPropertyBuilder,
  type DatePropertyBuilder,
  type BooleanPropertyBuilder,
} from './metadata/property-builder.js';
export { ShardingBuilder, DEFAULT_TABLE_PATTERN } from './metadata/sharding-builder.js';
export { ManualShardingBuilder } from './metadata/manual-sharding-builder.js';
export { ShardsBuilder } from './metadata/shards-builder.js';
export { ShardGroupBuilder } from './metadata/shard-group-builder.js';
export { DEFAULT_SHARD_GROUP } from './metadata/model.js';
export type {
  ColumnType,
  ConnectionRef,
  DateInterval,
  EntityClass,
  EntityModel,
  ManualShardTable,
  Model,
  PropertyModel,
  ShardLayout,
  ShardModel,
  ShardingBase,
  ShardingModel,
  StorageMode,
  TableName,
  TemporalModel,
} from './metadata/model.js';

// Queries
export {
  Queryable,
  OrderedQueryable,
  type Predicate,
  type ParamsPredicate,
  type Numeric,
  type BigNumeric,
} from './linq/query/queryable.js';
export { GroupedQueryable } from './linq/query/grouped-queryable.js';
export type { Grouping } from './linq/expression/grouping.js';
export { type AsQueryableOptions, asQueryable } from './linq/query/as-queryable.js';
export type {
  ExecuteOptions,
  QueryParams,
  QueryStringOptions,
  QueryExplanation,
  ExplainedCommand,
  MergeExplanation,
  ConcatMergeExplanation,
  OrderedMergeExplanation,
  DistinctMergeExplanation,
  GroupByMergeExplanation,
  GroupAggregateExplanation,
  MergePagingExplanation,
  MergeKeyExplanation,
  OrderKeyExplanation,
} from './linq/expression/query-expression.js';

// Providers and loading
export type { DtdeProvider } from './providers/provider.js';
export { sqlite, type SqliteProvider } from './providers/sqlite/sqlite-provider.js';
export type { SqliteOptions } from './providers/sqlite/sqlite-options.js';
export { mssql, type MssqlProvider } from './providers/mssql/mssql-provider.js';
export type { MssqlOptions, MssqlPoolOptions } from './providers/mssql/mssql-options.js';
export { postgres, type PostgresProvider } from './providers/postgres/postgres-provider.js';
export type { PostgresOptions, PostgresPoolOptions, PostgresTlsOptions } from './providers/postgres/postgres-options.js';

// Diagnostics (node:diagnostics_channel)
export {
  QUERY_PLAN_CHANNEL,
  QUERY_SHARD_CHANNEL,
  QUERY_DONE_CHANNEL,
  type QueryPlanMessage,
  type QueryShardMessage,
  type QueryDoneMessage,
} from './execution/diagnostics.js';
export { TRANSACTION_STEP_CHANNEL, type TransactionStepMessage } from './writes/transaction-steps.js';
export type { RecoveryResult } from './writes/recover-transactions.js';
export type { BulkInsertOptions, BulkInsertResult } from './writes/bulk-insert.js';

// Errors
export { DtdeError } from './errors/dtde-error.js';
export { DtdeTranslationError } from './errors/dtde-translation-error.js';
export { DtdeConfigurationError } from './errors/dtde-configuration-error.js';
export { DtdeRoutingError } from './errors/dtde-routing-error.js';
export { DtdeShardError } from './errors/dtde-shard-error.js';
export { DtdeInvalidOperationError } from './errors/dtde-invalid-operation-error.js';
export { DtdeTimeoutError, type TimedOutShard } from './errors/dtde-timeout-error.js';
export { DtdeDatabaseError, type DatabaseErrorReason } from './errors/dtde-database-error.js';
export { DtdeValidationError } from './errors/dtde-validation-error.js';
export { DtdeConcurrencyError } from './errors/dtde-concurrency-error.js';
export { DtdeCommitError, type CommitOutcome } from './errors/dtde-commit-error.js';
