/**
 * The coordination.k8s.io/v1 leases strategy: the CoordinatedLeaderElection fields dropped (the gate is off in
 * v1.32), validation of durations and transitions, and the NAME HOLDER AGE table.
 *
 * Mirrors `pkg/registry/coordination/lease/strategy.go`, `pkg/apis/coordination/validation` ValidateLease /
 * ValidateLeaseUpdate / ValidateLeaseSpec, and `pkg/printers/internalversion/printers.go` printLease at v1.32.
 */
import type { Lease, LeaseSpec } from '../../api/coordination.js';
import { translateTimestampSince } from '../../api/duration.js';
import type { FieldError } from '../../api/errors.js';
import * as field from '../../api/field-errors.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../../api/meta.js';
import { isQualifiedName } from '../../api/validation.js';
import type { ResourceInfo, Strategy } from '../strategy.js';
import { AGE_COLUMN, NAME_COLUMN, column } from '../table-columns.js';

/** Discovery facts of coordination.k8s.io/v1 leases. */
export const leaseInfo: ResourceInfo = {
  group: 'coordination.k8s.io',
  version: 'v1',
  resource: 'leases',
  singular: 'lease',
  kind: 'Lease',
  namespaced: true,
  shortNames: [],
  categories: [],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: [],
};

/** The built-in coordinated leader election strategies (`validLeaseStrategies`). */
const LEASE_STRATEGIES = ['OldestEmulationVersion'];

/** ValidateCoordinatedLeaseStrategy: a built-in name, or a qualified name (`example.com/mine`) for a third party's. */
function validateLeaseStrategy(strategy: string, path: string): FieldError[] {
  if (!strategy.includes('/')) return LEASE_STRATEGIES.includes(strategy) ? [] : [field.notSupported(path, strategy, LEASE_STRATEGIES)];
  return isQualifiedName(strategy).map((msg) => field.invalid(path, strategy, msg));
}

/** ValidateLeaseSpec at `spec`. */
export function validateLeaseSpec(spec: LeaseSpec | undefined, path = 'spec'): FieldError[] {
  const s = spec ?? {};
  const errs: FieldError[] = [];
  if (s.leaseDurationSeconds !== undefined && s.leaseDurationSeconds <= 0) errs.push(field.invalid(`${path}.leaseDurationSeconds`, s.leaseDurationSeconds, 'must be greater than 0'));
  if (s.leaseTransitions !== undefined && s.leaseTransitions < 0) errs.push(field.invalid(`${path}.leaseTransitions`, s.leaseTransitions, 'must be greater than or equal to 0'));
  if (s.strategy !== undefined) errs.push(...validateLeaseStrategy(s.strategy, `${path}.strategy`));
  if (s.preferredHolder && !s.strategy) errs.push(field.forbidden(`${path}.preferredHolder`, 'may only be specified if `strategy` is defined'));
  return errs;
}

/** ValidateLease: metadata (a DNS subdomain name, namespaced) and the spec. */
export function validateLease(lease: Lease): FieldError[] {
  return [...validateObjectMeta(lease.metadata, true, nameIsDNSSubdomain), ...validateLeaseSpec(lease.spec)];
}

/** ValidateLeaseUpdate: metadata update rules and the spec. */
export function validateLeaseUpdate(lease: Lease, old: Lease): FieldError[] {
  return [...validateObjectMetaUpdate(lease.metadata, old.metadata), ...validateLeaseSpec(lease.spec)];
}

/**
 * The CoordinatedLeaderElection gate is off: `strategy` and `preferredHolder` go, each unless the stored lease
 * already has it (an update keeps a field in use).
 */
function dropDisabledFields(lease: Lease, old: Lease | undefined): void {
  if (!lease.spec) return;
  if (old?.spec?.strategy === undefined) delete lease.spec.strategy;
  if (old?.spec?.preferredHolder === undefined) delete lease.spec.preferredHolder;
}

/** The coordination.k8s.io/v1 leases Strategy. */
export const leaseStrategy: Strategy<Lease> = {
  info: leaseInfo,
  prepareForCreate: (lease) => dropDisabledFields(lease, undefined),
  prepareForUpdate: (lease, old) => dropDisabledFields(lease, old),
  validate: validateLease,
  validateUpdate: validateLeaseUpdate,
  table: {
    columnDefinitions: [
      NAME_COLUMN,
      column('Holder', 'string', 'holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field.'),
      AGE_COLUMN,
    ],
    cells: (lease, now) => [lease.metadata.name ?? '', lease.spec?.holderIdentity ?? '', translateTimestampSince(lease.metadata.creationTimestamp, now)],
  },
};
