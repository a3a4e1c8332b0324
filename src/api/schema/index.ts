/** Public surface of the k1s API schema: lookups and strict field validation. */
export * from './schema.js';
export * from './strict.js';
export type { FieldDef, TypeDef, TypeTable, GroupVersionKind } from './types.js';
