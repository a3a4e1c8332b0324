/** Public surface of the field manager (managedFields and server-side apply). */
export { admissionChanges, apply, recordUpdate, sameManagedFields, type ApplyOptions, type FieldManagerScope } from './field-manager.js';
export { FieldSet } from './set.js';
export { pathString, type Path, type PathElement } from './path.js';
