/**
 * `k1s server`'s options object: its flag table (server-command.ts) parsed, validated across flags and
 * typed, for server.ts to wire up.
 */
import { gatewayOf, nodePodCidr } from '../containerd/cni.js';
import { parseCommand, type ParseInputs } from './commands.js';
import { booleanFlag, multipleValues, stringFlag, UsageError, type ResolvedFlags } from './flags.js';
import { parseKubeletArgs, type KubeletArgs } from './kubelet-args.js';
import { serverCommand } from './server-command.js';
import { cidrContains, legacyTokenGate, parseIPv4Cidr } from './validators.js';

/** Parsed `k1s server` flags (k3s names, camel-cased). Paths are absolute. */
export interface ServerFlags {
  dataDir: string;
  httpsListenPort: number;
  nodeName: string;
  /** Pod network, IPv4 CIDR (k3s --cluster-cidr, default 10.42.0.0/16). */
  clusterCidr: string;
  /** Service ClusterIP range, IPv4 CIDR (k3s --service-cidr, default 10.43.0.0/16). */
  serviceCidr: string;
  /** ClusterIP of the DNS service, inside serviceCidr (k3s --cluster-dns; default the 10th address of serviceCidr, 10.43.0.10). */
  clusterDns: string;
  /** Cluster DNS domain without trailing dot (k3s --cluster-domain, default cluster.local). */
  clusterDomain: string;
  /**
   * k3s --node-ip: the node's InternalIP and pods' hostIP, an address of this machine (checked at start-up, once the
   * pod bridge exists); default 127.0.0.1. Inside --cluster-cidr only as the node's pod gateway (the bridge's address).
   */
  nodeIP: string;
  /** k3s --node-external-ip: the node's ExternalIP; absent = none. */
  nodeExternalIP?: string;
  /** k3s --resolv-conf, absolute: the resolv.conf whose nameservers the cluster DNS forwards to (default /etc/resolv.conf). */
  resolvConf: string;
  /** NodePort range `MIN-MAX` as given, validated (k3s --service-node-port-range, default 30000-32767). */
  serviceNodePortRange: string;
  privateRegistry?: string;
  disableDefaultRegistryEndpoint: boolean;
  containerRuntimeEndpoint?: string;
  /** k3s --datastore-endpoint as given (validated); absent = SQLite in <data-dir>/db/state.db. */
  datastoreEndpoint?: string;
  /** k3s --datastore-cafile / --datastore-certfile / --datastore-keyfile, absolute. */
  datastoreCafile?: string;
  datastoreCertfile?: string;
  datastoreKeyfile?: string;
  /**
   * `--kube-controller-manager-arg=feature-gates=LegacyServiceAccountTokenNoAutoGeneration=false`: the tokens
   * controller gives every ServiceAccount a token Secret, as Kubernetes did before 1.24 (default false).
   */
  legacyServiceAccountTokenAutoGeneration: boolean;
  /** --kubelet-arg values, parsed. */
  kubeletArgs: KubeletArgs;
  /** --debug: start-up errors print stack traces and causes. */
  debug: boolean;
  /** The config file that was read, if any. */
  configFile?: string;
}

function required(resolved: ResolvedFlags, name: string): string {
  const v = stringFlag(resolved, name);
  if (v === undefined) throw new Error(`k1s server: flag --${name} has no default`);
  return v;
}

/** Types the effective flags of `k1s server` (or `check-config`); throws UsageError when they contradict each other. */
export function serverFlagsFrom(resolved: ResolvedFlags): ServerFlags {
  const flags: ServerFlags = {
    // Values arrive validated and normalized (absolute paths, lower-case node name) by the flag table.
    dataDir: required(resolved, 'data-dir'),
    httpsListenPort: Number(required(resolved, 'https-listen-port')),
    nodeName: required(resolved, 'node-name'),
    clusterCidr: required(resolved, 'cluster-cidr'),
    serviceCidr: required(resolved, 'service-cidr'),
    clusterDns: required(resolved, 'cluster-dns'),
    clusterDomain: required(resolved, 'cluster-domain'),
    resolvConf: required(resolved, 'resolv-conf'),
    nodeIP: required(resolved, 'node-ip'),
    serviceNodePortRange: required(resolved, 'service-node-port-range'),
    disableDefaultRegistryEndpoint: booleanFlag(resolved, 'disable-default-registry-endpoint'),
    debug: booleanFlag(resolved, 'debug'),
    legacyServiceAccountTokenAutoGeneration: legacyTokenGate(stringFlag(resolved, 'kube-controller-manager-arg') ?? '') === false,
    kubeletArgs: {},
  };
  try {
    flags.kubeletArgs = parseKubeletArgs(multipleValues(stringFlag(resolved, 'kubelet-arg')));
  } catch (err) {
    throw new UsageError(`k1s server: invalid --kubelet-arg: ${(err as Error).message}`, { cause: err });
  }
  const privateRegistry = stringFlag(resolved, 'private-registry');
  if (privateRegistry !== undefined) flags.privateRegistry = privateRegistry;
  const endpoint = stringFlag(resolved, 'container-runtime-endpoint');
  if (endpoint !== undefined) flags.containerRuntimeEndpoint = endpoint;
  const datastoreEndpoint = stringFlag(resolved, 'datastore-endpoint');
  if (datastoreEndpoint) flags.datastoreEndpoint = datastoreEndpoint;
  const cafile = stringFlag(resolved, 'datastore-cafile');
  if (cafile !== undefined) flags.datastoreCafile = cafile;
  const certfile = stringFlag(resolved, 'datastore-certfile');
  if (certfile !== undefined) flags.datastoreCertfile = certfile;
  const keyfile = stringFlag(resolved, 'datastore-keyfile');
  if (keyfile !== undefined) flags.datastoreKeyfile = keyfile;
  const externalIP = stringFlag(resolved, 'node-external-ip');
  if (externalIP) flags.nodeExternalIP = externalIP;
  if (resolved.configFile !== undefined) flags.configFile = resolved.configFile;
  if (!cidrContains(flags.serviceCidr, flags.clusterDns)) {
    throw new UsageError(`k1s server: --cluster-dns ${flags.clusterDns} is outside --service-cidr ${flags.serviceCidr}: choose an address inside it`);
  }
  if (cidrsOverlap(flags.clusterCidr, flags.serviceCidr)) {
    throw new UsageError(`k1s server: --cluster-cidr ${flags.clusterCidr} overlaps --service-cidr ${flags.serviceCidr}: pod and service IPs need separate ranges`);
  }
  if (cidrContains(flags.serviceCidr, flags.nodeIP)) {
    throw new UsageError(`k1s server: --node-ip ${flags.nodeIP} is inside --service-cidr ${flags.serviceCidr}: give an address of this machine outside it`);
  }
  const gateway = gatewayOf(nodePodCidr(flags.clusterCidr));
  if (cidrContains(flags.clusterCidr, flags.nodeIP) && flags.nodeIP !== gateway) {
    throw new UsageError(`k1s server: --node-ip ${flags.nodeIP} is inside --cluster-cidr ${flags.clusterCidr}, where pods get their addresses: the only such address is the pod bridge's gateway ${gateway}`);
  }
  return flags;
}

function cidrsOverlap(a: string, b: string): boolean {
  const x = parseIPv4Cidr(a);
  const y = parseIPv4Cidr(b);
  if (!x || !y) return false;
  const prefix = Math.min(x.prefix, y.prefix);
  const size = 2 ** (32 - prefix);
  return Math.floor(x.address / size) === Math.floor(y.address / size);
}

/**
 * Parses `k1s server` arguments: command line > $K1S_… environment > config file > k3s's defaults.
 * Throws UsageError (one line, exit code 2) on unknown flags, invalid values or contradicting flags, and
 * when `--help` is among them (main.ts answers help before calling the server).
 */
export function parseServerFlags(argv: readonly string[], inputs: ParseInputs = {}): ServerFlags {
  const parsed = parseCommand(serverCommand, argv, inputs);
  if (parsed.help) throw new UsageError("k1s server: --help asked for; see 'k1s server --help'");
  return serverFlagsFrom(parsed.flags);
}
