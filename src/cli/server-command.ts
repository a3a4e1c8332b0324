/**
 * The flag table of `k1s server` (k3s's names, defaults and help groups): it drives parsing, `--help`, the
 * config-file keys, `--print-config` and the README's server flag table.
 */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { CONFIG_FLAG, DATA_DIR_FLAG, DEBUG_FLAG } from './common-flags.js';
import { validateDatastoreEndpoint } from './datastore.js';
import type { CommandDef, FlagDef } from './flags.js';
import { validateKubeletArg } from './kubelet-args.js';
import { addressInCidr, validateControllerManagerArg, validateClusterCidr, validateDnsDomain, validateIPv4, validateIPv4Cidr, validateNodeIP, validateNonEmpty, validatePort, validatePortRange } from './validators.js';

/** `--print-config`: print the effective configuration and exit (k1s's own; k3s has none). */
export const PRINT_CONFIG_FLAG: FlagDef = {
  name: 'print-config',
  kind: 'boolean',
  env: false,
  configurable: false,
  group: 'config',
  usage: 'print the effective configuration (flags > environment > config file > defaults) as a config file, and exit',
};

/** Flags of `k1s server` and `k1s check-config`, in help order. */
export const SERVER_FLAGS: FlagDef[] = [
  CONFIG_FLAG,
  DEBUG_FLAG,
  DATA_DIR_FLAG,
  {
    name: 'https-listen-port',
    kind: 'string',
    valueName: 'PORT',
    default: '6443',
    group: 'listener',
    usage: 'API server port (on 127.0.0.1)',
    validate: validatePort,
  },
  {
    name: 'node-name',
    kind: 'string',
    valueName: 'NAME',
    default: () => hostname().toLowerCase(),
    defaultText: 'the host name',
    group: 'agent/node',
    usage: "the node's name (lower-cased)",
    validate: validateNonEmpty,
    normalize: (v) => v.trim().toLowerCase(),
  },
  {
    name: 'cluster-cidr',
    kind: 'string',
    valueName: 'CIDR',
    default: '10.42.0.0/16',
    group: 'networking',
    usage: 'IPv4 network CIDR to use for pod IPs; the node takes its first /24',
    validate: validateClusterCidr,
    normalize: (v) => v.trim(),
  },
  {
    name: 'service-cidr',
    kind: 'string',
    valueName: 'CIDR',
    default: '10.43.0.0/16',
    group: 'networking',
    usage: 'IPv4 network CIDR to use for service IPs',
    validate: validateIPv4Cidr,
    normalize: (v) => v.trim(),
  },
  {
    name: 'service-node-port-range',
    kind: 'string',
    valueName: 'RANGE',
    default: '30000-32767',
    group: 'networking',
    usage: 'port range to reserve for services with NodePort visibility',
    validate: validatePortRange,
    normalize: (v) => v.trim(),
  },
  {
    name: 'cluster-dns',
    kind: 'string',
    valueName: 'IP',
    // k3s: the 10th address of the service CIDR. --service-cidr comes earlier in this table.
    default: (earlier) => addressInCidr(String(earlier.get('service-cidr') ?? '10.43.0.0/16'), 10) ?? '10.43.0.10',
    defaultText: 'the 10th address of --service-cidr: "10.43.0.10"',
    group: 'networking',
    usage: 'IPv4 cluster IP for the DNS service; must be inside --service-cidr',
    validate: validateIPv4,
    normalize: (v) => v.trim(),
  },
  {
    name: 'cluster-domain',
    kind: 'string',
    valueName: 'DOMAIN',
    default: 'cluster.local',
    group: 'networking',
    usage: 'cluster domain',
    validate: validateDnsDomain,
    normalize: (v) => v.replace(/\.$/, ''),
  },
  {
    name: 'node-ip',
    short: 'i',
    kind: 'string',
    valueName: 'IP',
    // k3s's default is the address of the default route's interface; k1s keeps to loopback unless told (the
    // kubelet server listens on this address, pods' hostIP and node-port traffic go to it).
    default: '127.0.0.1',
    group: 'agent/networking',
    usage:
      "IPv4 address to advertise for node (InternalIP, pods' hostIP; the kubelet listens there too); must be this machine's, " +
      "e.g. the pod bridge's gateway 10.42.0.1 (first address of --cluster-cidr) so pods reach NodePorts and hostPorts on it. " +
      "Not k3s's default (the default route's interface address): k1s serves on no outside interface unless told",
    validate: validateNodeIP,
    normalize: (v) => v.trim(),
  },
  {
    name: 'node-external-ip',
    kind: 'string',
    valueName: 'IP',
    group: 'agent/networking',
    usage: 'IPv4 external address to advertise for node (its ExternalIP); need not be local',
    validate: validateNodeIP,
    normalize: (v) => v.trim(),
  },
  {
    name: 'resolv-conf',
    kind: 'string',
    valueName: 'FILE',
    default: '/etc/resolv.conf',
    group: 'agent/networking',
    usage: 'resolv.conf whose nameservers the cluster DNS forwards to',
    validate: validateNonEmpty,
    normalize: (v) => resolve(v),
  },
  {
    name: 'private-registry',
    kind: 'string',
    valueName: 'FILE',
    group: 'agent/runtime',
    usage: "registries.yaml in k3s's format: mirrors become containerd hosts.toml files",
    validate: validateNonEmpty,
    normalize: (v) => resolve(v),
  },
  {
    name: 'disable-default-registry-endpoint',
    kind: 'boolean',
    default: false,
    group: 'agent/runtime',
    usage: "never fall back to a registry's public endpoint",
  },
  {
    name: 'datastore-endpoint',
    kind: 'string',
    valueName: 'URL',
    group: 'database',
    usage: 'sqlite://PATH, or etcd members http://H:P, https://H:P or etcd://H:P (comma-separated); empty = SQLite at db/state.db in --data-dir',
    validate: validateDatastoreEndpoint,
    normalize: (v) => v.trim(),
  },
  {
    name: 'datastore-cafile',
    kind: 'string',
    valueName: 'FILE',
    group: 'database',
    usage: 'TLS certificate authority file that signs the etcd members (https://)',
    validate: validateNonEmpty,
    normalize: (v) => resolve(v),
  },
  {
    name: 'datastore-certfile',
    kind: 'string',
    valueName: 'FILE',
    group: 'database',
    usage: 'TLS client certificate file for etcd',
    validate: validateNonEmpty,
    normalize: (v) => resolve(v),
  },
  {
    name: 'datastore-keyfile',
    kind: 'string',
    valueName: 'FILE',
    group: 'database',
    usage: 'TLS client key file for etcd',
    validate: validateNonEmpty,
    normalize: (v) => resolve(v),
  },
  {
    name: 'kube-controller-manager-arg',
    kind: 'string',
    valueName: 'ARG',
    group: 'flags',
    usage: 'kube-controller-manager flag; only feature-gates=LegacyServiceAccountTokenNoAutoGeneration=false (a token Secret for every ServiceAccount, as before 1.24)',
    validate: validateControllerManagerArg,
    normalize: (v) => v.trim(),
  },
  {
    name: 'kubelet-arg',
    kind: 'string',
    multiple: true,
    valueName: 'KEY=VALUE',
    group: 'agent/flags',
    usage: 'kubelet setting, repeatable: max-pods=N, eviction-hard=memory.available<100Mi,...',
    validate: validateKubeletArg,
  },
  {
    name: 'container-runtime-endpoint',
    kind: 'string',
    valueName: 'SOCKET',
    group: 'agent/runtime',
    usage: 'use this CRI socket instead of starting containerd',
    validate: validateNonEmpty,
  },
];

/** `k1s server`. */
export const serverCommand: CommandDef = {
  name: 'server',
  summary: 'run the API server, controllers, kubelet and containerd in the foreground',
  description:
    'SIGINT/SIGTERM stop it cleanly; pods keep running and are adopted at the next start.\n' +
    'Each flag can be set on the command line, in the environment ($K1S_…) or in the config file\n' +
    '(key = the long flag name), in that order of precedence.',
  flags: [...SERVER_FLAGS, PRINT_CONFIG_FLAG],
};
