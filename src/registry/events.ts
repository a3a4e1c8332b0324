/**
 * The core/v1 events strategy: legacy event validation, field selectors on involvedObject and the
 * LAST SEEN TYPE REASON OBJECT MESSAGE table (wide: SUBOBJECT SOURCE FIRST SEEN COUNT NAME).
 *
 * Mirrors `pkg/registry/core/event/strategy.go` (ToSelectableFields), `pkg/apis/core/validation/events.go`
 * (ValidateEventCreate, legacyValidateEvent) and `printers.go` printEvent / formatEventSource.
 */
import { translateTimestampSince } from '../api/duration.js';
import type { FieldError } from '../api/errors.js';
import * as field from '../api/field-errors.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../api/meta.js';
import type { Event } from '../api/types.js';
import { isDNS1123Subdomain, isQualifiedName } from '../api/validation.js';
import type { ResourceInfo, Strategy } from './strategy.js';
import { NAME_COLUMN, column } from './table-columns.js';

/** Discovery facts of core/v1 events. */
export const eventInfo: ResourceInfo = {
  group: '',
  version: 'v1',
  resource: 'events',
  singular: 'event',
  kind: 'Event',
  namespaced: true,
  shortNames: ['ev'],
  categories: [],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: [],
};

/** legacyValidateEvent for core/v1 (the reporting controller field is `reportingComponent`). */
export function validateEventFields(ev: Event): FieldError[] {
  const errs: FieldError[] = [];
  const ns = ev.metadata.namespace ?? '';
  const involvedNs = ev.involvedObject?.namespace ?? '';
  const mismatch = (): FieldError => field.invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace');
  if (!ev.eventTime) {
    if (!involvedNs) {
      if (ns !== '' && ns !== 'default') errs.push(mismatch());
    } else if (ns !== involvedNs) {
      errs.push(mismatch());
    }
  } else {
    if (!involvedNs && ns !== 'default' && ns !== 'kube-system') errs.push(mismatch());
    const rc = ev.reportingComponent ?? '';
    if (!rc) errs.push(field.required('reportingComponent'));
    for (const msg of isQualifiedName(rc)) errs.push(field.invalid('reportingComponent', rc, msg));
    const ri = ev.reportingInstance ?? '';
    if (!ri) errs.push(field.required('reportingInstance'));
    if (ri.length > 128) errs.push(field.invalid('reportingInstance', '', 'can have at most 128 characters'));
    const action = ev.action ?? '';
    if (!action) errs.push(field.required('action'));
    if (action.length > 128) errs.push(field.invalid('action', '', 'can have at most 128 characters'));
    const reason = ev.reason ?? '';
    if (!reason) errs.push(field.required('reason'));
    if (reason.length > 128) errs.push(field.invalid('reason', '', 'can have at most 128 characters'));
    if ((ev.message ?? '').length > 1024) errs.push(field.invalid('message', '', 'can have at most 1024 characters'));
  }
  for (const msg of isDNS1123Subdomain(ns)) errs.push(field.invalid('namespace', ns, msg));
  return errs;
}

/** ToSelectableFields of an event. */
export function eventSelectableFields(ev: Event): Record<string, string> {
  const o = ev.involvedObject ?? {};
  return {
    'metadata.name': ev.metadata.name ?? '',
    'metadata.namespace': ev.metadata.namespace ?? '',
    'involvedObject.kind': o.kind ?? '',
    'involvedObject.namespace': o.namespace ?? '',
    'involvedObject.name': o.name ?? '',
    'involvedObject.uid': o.uid ?? '',
    'involvedObject.apiVersion': o.apiVersion ?? '',
    'involvedObject.resourceVersion': o.resourceVersion ?? '',
    'involvedObject.fieldPath': o.fieldPath ?? '',
    reason: ev.reason ?? '',
    reportingComponent: ev.reportingComponent ?? '',
    source: ev.source?.component || ev.reportingComponent || '',
    type: ev.type ?? '',
  };
}

/** formatEventSource: `component[, host]`, falling back to reportingComponent/reportingInstance. */
function formatEventSource(ev: Event): string {
  const component = ev.source?.component || ev.reportingComponent || '';
  const instance = ev.source?.host || ev.reportingInstance || '';
  return instance ? `${component}, ${instance}` : component;
}

/** printEvent's cells (all columns, wide included). */
export function eventCells(ev: Event, now: Date): unknown[] {
  const first = ev.firstTimestamp ? translateTimestampSince(ev.firstTimestamp, now) : translateTimestampSince(ev.eventTime ?? undefined, now);
  let last = ev.lastTimestamp ? translateTimestampSince(ev.lastTimestamp, now) : first;
  let count = ev.count ?? 0;
  if (ev.series) {
    last = translateTimestampSince(ev.series.lastObservedTime, now);
    count = ev.series.count ?? 0;
  } else if (count === 0) {
    count = 1;
  }
  const kind = (ev.involvedObject?.kind ?? '').toLowerCase();
  const target = ev.involvedObject?.name ? `${kind}/${ev.involvedObject.name}` : kind;
  return [
    last,
    ev.type ?? '',
    ev.reason ?? '',
    target,
    ev.involvedObject?.fieldPath ?? '',
    formatEventSource(ev),
    (ev.message ?? '').trim(),
    first,
    count,
    ev.metadata.name ?? '',
  ];
}

/** The core/v1 events Strategy. */
export const eventStrategy: Strategy<Event> = {
  info: eventInfo,
  allowCreateOnUpdate: true,
  prepareForCreate: () => {},
  prepareForUpdate: () => {},
  validate: (ev) => [...validateObjectMeta(ev.metadata, true, nameIsDNSSubdomain), ...validateEventFields(ev)],
  validateUpdate: (ev, old) => [...validateObjectMetaUpdate(ev.metadata, old.metadata), ...validateEventFields(ev)],
  table: {
    columnDefinitions: [
      column('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
      column('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future'),
      column('Reason', 'string', "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
      column('Object', 'string', 'The object that this event is about.'),
      column('Subobject', 'string', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].', 1),
      column('Source', 'string', 'The component reporting this event. Should be a short machine understandable string.', 1),
      column('Message', 'string', 'A human-readable description of the status of this operation.'),
      column('First Seen', 'string', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', 1),
      column('Count', 'string', 'The number of times this event has occurred.', 1),
      { ...NAME_COLUMN, priority: 1 },
    ],
    cells: eventCells,
  },
  selectableFields: eventSelectableFields,
};
