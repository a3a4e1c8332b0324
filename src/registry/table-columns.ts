/**
 * Shared Table column definitions (Name, Age) used by every kind's server-side printer.
 *
 * Mirrors the `metav1.ObjectMeta{}.SwaggerDoc()["name"|"creationTimestamp"]` columns of
 * kube `pkg/printers/internalversion/printers.go`.
 */
import type { TableColumnDefinition } from './strategy.js';

/** The `Name` column (format `name`), first in most tables. */
export const NAME_COLUMN: TableColumnDefinition = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description:
    'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  priority: 0,
};

/** The `Age` column (a HumanDuration string). */
export const AGE_COLUMN: TableColumnDefinition = {
  name: 'Age',
  type: 'string',
  format: '',
  description:
    'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
  priority: 0,
};

/** A column with `format: ''`; `priority` 1 marks `-o wide` columns. */
export function column(
  name: string,
  type: TableColumnDefinition['type'],
  description: string,
  priority = 0,
): TableColumnDefinition {
  return { name, type, format: '', description, priority };
}
