/**
 * The core/v1 endpoints strategy (validation of addresses and ports, the NAME ENDPOINTS AGE table) and the
 * discovery.k8s.io/v1 endpointslices strategy (NAME ADDRESSTYPE PORTS ENDPOINTS AGE).
 *
 * Mirrors `pkg/registry/core/endpoint/strategy.go`, `pkg/registry/discovery/endpointslice/strategy.go`,
 * `pkg/apis/core/validation` ValidateEndpoints, `pkg/apis/discovery/validation` ValidateEndpointSlice, and
 * printers.go printEndpoints / printEndpointSlice (formatEndpoints, formatDiscoveryPorts/Endpoints).
 */
import { translateTimestampSince } from '../../api/duration.js';
import type { FieldError } from '../../api/errors.js';
import * as field from '../../api/field-errors.js';
import { parseIpv4 } from '../../api/ipv4.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../../api/meta.js';
import type { EndpointSlice, Endpoints } from '../../api/services.js';
import { isValidPortNum } from '../../api/validation.js';
import type { ResourceInfo, Strategy } from '../strategy.js';
import { AGE_COLUMN, NAME_COLUMN, column } from '../table-columns.js';

/** Discovery facts of core/v1 endpoints. */
export const endpointsInfo: ResourceInfo = {
  group: '',
  version: 'v1',
  resource: 'endpoints',
  singular: 'endpoints',
  kind: 'Endpoints',
  namespaced: true,
  shortNames: ['ep'],
  categories: [],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: [],
};

/** Discovery facts of discovery.k8s.io/v1 endpointslices. */
export const endpointSliceInfo: ResourceInfo = {
  group: 'discovery.k8s.io',
  version: 'v1',
  resource: 'endpointslices',
  singular: 'endpointslice',
  kind: 'EndpointSlice',
  namespaced: true,
  shortNames: [],
  categories: [],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: [],
};

const IP_MSG = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';

/** ValidateEndpoints: each subset has valid addresses and ports (a name when there are several). */
export function validateEndpoints(ep: Endpoints): FieldError[] {
  const errs = validateObjectMeta(ep.metadata, true, nameIsDNSSubdomain);
  (ep.subsets ?? []).forEach((ss, i) => {
    const p = `subsets[${i}]`;
    if ((ss.addresses ?? []).length + (ss.notReadyAddresses ?? []).length === 0 && (ss.ports ?? []).length > 0) {
      errs.push(field.required(p, 'must specify `addresses` or `notReadyAddresses`'));
    }
    for (const [key, list] of [['addresses', ss.addresses], ['notReadyAddresses', ss.notReadyAddresses]] as const) {
      (list ?? []).forEach((a, j) => {
        if (parseIpv4(a.ip) === undefined) errs.push(field.invalid(`${p}.${key}[${j}].ip`, a.ip, IP_MSG));
      });
    }
    const ports = ss.ports ?? [];
    ports.forEach((port, j) => {
      const pp = `${p}.ports[${j}]`;
      if (ports.length > 1 && !port.name) errs.push(field.required(`${pp}.name`));
      for (const msg of isValidPortNum(port.port)) errs.push(field.invalid(`${pp}.port`, port.port, msg));
      if (!port.protocol) errs.push(field.required(`${pp}.protocol`));
    });
  });
  return errs;
}

/** SetDefaults_EndpointPort (core/v1): protocol TCP. */
function defaultEndpoints(ep: Endpoints): void {
  for (const ss of ep.subsets ?? []) for (const p of ss.ports ?? []) p.protocol ||= 'TCP';
}

/** formatEndpoints of printers.go: up to three `ip:port`, then ` + N more...`; `<none>` without subsets. */
export function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addrs = ss.addresses ?? [];
    const ports = ss.ports ?? [];
    if (ports.length === 0) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(a.ip);
      }
      continue;
    }
    for (const port of ports) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(`${a.ip}:${port.port}`);
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

/** The core/v1 endpoints Strategy. */
export const endpointsStrategy: Strategy<Endpoints> = {
  info: endpointsInfo,
  prepareForCreate: defaultEndpoints,
  prepareForUpdate: (ep) => defaultEndpoints(ep),
  validate: validateEndpoints,
  validateUpdate: (ep, old) => [...validateObjectMetaUpdate(ep.metadata, old.metadata), ...validateEndpoints(ep).filter((e) => !e.field.startsWith('metadata.'))],
  table: {
    columnDefinitions: [NAME_COLUMN, column('Endpoints', 'string', 'Endpoints of the resource.'), AGE_COLUMN],
    cells: (ep, now) => [ep.metadata.name ?? '', formatEndpoints(ep), translateTimestampSince(ep.metadata.creationTimestamp, now)],
  },
};

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];

/** ValidateEndpointSlice: addressType, at most 1000 endpoints of 1–100 addresses, at most 100 ports. */
export function validateEndpointSlice(s: EndpointSlice): FieldError[] {
  const errs = validateObjectMeta(s.metadata, true, nameIsDNSSubdomain);
  if (!s.addressType) errs.push(field.required('addressType'));
  else if (!ADDRESS_TYPES.includes(s.addressType)) errs.push(field.notSupported('addressType', s.addressType, ADDRESS_TYPES));
  const endpoints = s.endpoints ?? [];
  if (endpoints.length > 1000) errs.push(field.tooMany('endpoints', endpoints.length, 1000));
  endpoints.forEach((e, i) => {
    const p = `endpoints[${i}].addresses`;
    const addrs = e.addresses ?? [];
    if (addrs.length === 0) errs.push(field.required(p, 'must contain at least 1 address'));
    else if (addrs.length > 100) errs.push(field.tooMany(p, addrs.length, 100));
    addrs.forEach((a, j) => {
      if (s.addressType === 'IPv4' && parseIpv4(a) === undefined) errs.push(field.invalid(`${p}[${j}]`, a, IP_MSG));
    });
  });
  const ports = s.ports ?? [];
  if (ports.length > 100) errs.push(field.tooMany('ports', ports.length, 100));
  ports.forEach((port, i) => {
    if (port.port !== undefined) for (const msg of isValidPortNum(port.port)) errs.push(field.invalid(`ports[${i}].port`, port.port, msg));
  });
  return errs;
}

function defaultSlice(s: EndpointSlice): void {
  s.endpoints ??= [];
  for (const p of s.ports ?? []) {
    p.name ??= '';
    p.protocol ??= 'TCP';
  }
}

/** listWithMoreString of printers.go: up to three items, ` + N more...`, or `<unset>`. */
function listWithMore(items: string[]): string {
  const max = 3;
  const ret = items.slice(0, max).join(',');
  if (items.length > max) return `${ret} + ${items.length - max} more...`;
  return ret === '' ? '<unset>' : ret;
}

/** The discovery.k8s.io/v1 endpointslices Strategy. */
export const endpointSliceStrategy: Strategy<EndpointSlice> = {
  info: endpointSliceInfo,
  prepareForCreate: defaultSlice,
  prepareForUpdate: (s) => defaultSlice(s),
  validate: validateEndpointSlice,
  validateUpdate(s, old) {
    const errs = [...validateObjectMetaUpdate(s.metadata, old.metadata), ...validateEndpointSlice(s).filter((e) => !e.field.startsWith('metadata.'))];
    if (s.addressType !== old.addressType) errs.push(field.invalid('addressType', s.addressType, 'field is immutable'));
    return errs;
  },
  table: {
    columnDefinitions: [
      NAME_COLUMN,
      column('AddressType', 'string', 'addressType specifies the type of address carried by this EndpointSlice.'),
      column('Ports', 'string', 'ports specifies the list of network ports exposed by each endpoint in this slice.'),
      column('Endpoints', 'string', 'endpoints is a list of unique endpoints in this slice.'),
      AGE_COLUMN,
    ],
    cells: (s, now) => [
      s.metadata.name ?? '',
      s.addressType,
      listWithMore((s.ports ?? []).map((p) => (p.port !== undefined ? String(p.port) : p.name || '*'))),
      listWithMore((s.endpoints ?? []).flatMap((e) => e.addresses ?? [])),
      translateTimestampSince(s.metadata.creationTimestamp, now),
    ],
  },
  selectableFields: (s) => ({ addressType: s.addressType }),
};
