/**
 * `k1s server`: one foreground process running the API server, the controllers, the kubelet, a metrics
 * server and (unless `--container-runtime-endpoint` is given) containerd as a child, like `k3s server`.
 *
 * Start order: PKI → SQLite store → API server → admin kubeconfig → containerd → pause image → airgap images
 * (DATA_DIR/agent/images) → kubelet →
 * scheduler and controllers → proxy → metrics server (its metrics.k8s.io group served by the API server from the start). SIGINT/SIGTERM stop them in reverse; pods' containers keep running in their shims, and the
 * next start on the same data dir adopts them (the kubelet rebuilds its state from CRI). A containerd that
 * exits on its own (crash, OOM kill, kill -9) is restarted with back-off on the same socket and state (see
 * startContainerd), reconnecting to the surviving shims; shutdown stops it for good.
 */
import { mkdir, readFile, writeFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ServiceAccountTokens, startApiServer } from '../apiserver/index.js';
import { createApiClient } from '../client/rest-client.js';
import { startContainerd } from '../containerd/supervisor.js';
import { ensurePauseImage, PAUSE_IMAGE } from '../containerd/pause-image.js';
import { createCriClient, waitForCri } from '../cri/client.js';
import { startScheduler } from '../controllers/scheduler.js';
import { startNamespaceController } from '../controllers/namespace.js';
import { startServiceAccountsController } from '../controllers/serviceaccounts.js';
import { startRootCAPublisher } from '../controllers/root-ca.js';
import { startTokensController } from '../controllers/serviceaccount-tokens.js';
import { startResourceQuotaController } from '../controllers/resourcequota/controller.js';
import { startClusterRoleAggregation } from '../controllers/clusterrole-aggregation.js';
import { startKubelet } from '../kubelet/index.js';
import { ensurePki, renderKubeconfig } from '../pki/pki.js';
import { addressAt, parseCidr, rangeContains } from '../api/ipv4.js';
import { assertPodCidrFree, ensureBridge } from '../containerd/bridge.js';
import { BRIDGE_NAME_PREFIX, gatewayOf, nodePodCidr } from '../containerd/cni.js';
import { startSystemServicesController } from '../controllers/system-services/controller.js';
import { startEndpointsController } from '../controllers/endpoints/endpoints-controller.js';
import { startEndpointSliceController } from '../controllers/endpoints/endpointslice-controller.js';
import { startGarbageCollector } from '../controllers/garbagecollector/garbagecollector.js';
import { startDeploymentController } from '../controllers/deployment/controller.js';
import { startReplicaSetController } from '../controllers/replicaset/controller.js';
import { REPLICATION_CONTROLLER } from '../controllers/replicaset/kind.js';
import { startPersistentVolumeController } from '../controllers/persistentvolume/controller.js';
import { startPVCProtectionController, startPVProtectionController } from '../controllers/volume-protection.js';
import { startLocalPathProvisioner } from '../controllers/local-path/provisioner.js';
import { cleanupProxyRules, ensureServiceCidrGuard, startServiceProxy, type ProxyScope } from '../proxy/index.js';
import { startClusterDns } from '../dns/index.js';
import { podLintEvents, podSpecWarningTexts } from '../lint/lint.js';
import { createMetricsServer } from '../metrics/index.js';
import { coreStrategies } from '../registry/index.js';
import { airgapImagesDir, importAirgapImages } from './airgap.js';
import { preflight } from './check-config.js';
import { openDatastore, parseDatastoreEndpoint } from './datastore.js';
import { errorLine } from './error-line.js';
import { limitHeapGrowth } from './heap-growth.js';
import { chainPrefixFor } from './host-network.js';
import { log } from './log.js';
import { assertLocalNodeIP } from './node-ip.js';
import { acquirePidFile } from './pidfile.js';
import { parseServerFlags } from './server-flags.js';
import { armShutdownWatchdog, runShutdown, type ShutdownStep } from './shutdown.js';

export { parseServerFlags, type ServerFlags } from './server-flags.js';

/** Runs the server until SIGINT/SIGTERM. */
export async function runServer(argv: string[]): Promise<void> {
  const flags = parseServerFlags(argv);
  limitHeapGrowth();
  const { dataDir, nodeName } = flags;
  // check-config's fatal subset: root, binaries, a free port, the data dir, the registries file.
  await preflight(flags);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const releasePid = await acquirePidFile(join(dataDir, 'k1s.pid'));
  const steps: ShutdownStep[] = [{ name: 'pid file', stop: releasePid }];
  const stops = { push: (stop: () => Promise<void> | void, name = 'step', timeoutMs?: number) => steps.push({ name, stop, ...(timeoutMs !== undefined ? { timeoutMs } : {}) }) };
  const shutdown = async () => {
    const r = await runShutdown(steps, { log: (msg, err) => (err ? log.error(msg, err) : log.warn(msg)) });
    log.info(`shutdown took ${r.elapsedMs} ms`);
  };
  let stopping: Promise<void> | undefined;
  /** Child processes to kill if shutdown overruns (containerd). */
  const childPids: number[] = [];
  const stopped = new Promise<void>((resolveStopped) => {
    const onSignal = (sig: string) => {
      log.info(`received ${sig}, shutting down`);
      // Whatever the load, the process is gone 10 s after the signal (shutdown.ts).
      void armShutdownWatchdog(10_000, childPids).catch((err: unknown) => log.warn('shutdown watchdog', err));
      stopping ??= shutdown().then(resolveStopped);
    };
    process.once('SIGINT', () => onSignal('SIGINT'));
    process.once('SIGTERM', () => onSignal('SIGTERM'));
  });

  try {
    const t0 = Date.now();
    const serviceRange = parseCidr(flags.serviceCidr);
    const apiServiceIP = addressAt(serviceRange, 1);
    const podCidr = nodePodCidr(flags.clusterCidr);
    const gateway = gatewayOf(podCidr);
    const clusterRange = parseCidr(flags.clusterCidr);
    // The node IP must be this machine's; the pod bridge's gateway becomes so below, when k1s creates the bridge.
    if (flags.containerRuntimeEndpoint || flags.nodeIP !== gateway) assertLocalNodeIP(flags.nodeIP);
    const pki = await ensurePki(join(dataDir, 'tls'), nodeName, { apiserverIps: [apiServiceIP, gateway], kubeletIps: [flags.nodeIP] });
    log.info(`certificates ready in ${Date.now() - t0} ms (${join(dataDir, 'tls')})`);
    const datastore = parseDatastoreEndpoint(flags.datastoreEndpoint ?? '', dataDir);
    if (datastore.kind === 'sqlite') await mkdir(dirname(datastore.path), { recursive: true });
    const store = await openDatastore(datastore, {
      ...(flags.datastoreCafile !== undefined ? { cafile: flags.datastoreCafile } : {}),
      ...(flags.datastoreCertfile !== undefined ? { certfile: flags.datastoreCertfile } : {}),
      ...(flags.datastoreKeyfile !== undefined ? { keyfile: flags.datastoreKeyfile } : {}),
    });
    stops.push(() => store.close(), 'storage');
    log.info(datastore.kind === 'sqlite' ? `datastore: SQLite ${datastore.path}` : `datastore: etcd ${datastore.hosts.join(',')} (revision ${store.currentRevision()})`);

    // The metrics.k8s.io group is served from the start, as kube-aggregator serves a registered APIService
    // (503 until the metrics server runs), so no client caches a discovery without it.
    const metricsServer = createMetricsServer({
      kubeletTls: { caPem: pki.caPem, certPem: pki.apiserverKubeletClient.certPem, keyPem: pki.apiserverKubeletClient.keyPem },
      log: (msg) => log.warn(`metrics server: ${msg}`),
    });
    // ServiceAccount tokens signed with tls/service.key, issued as kube-apiserver's default issuer for the cluster domain.
    const serviceAccountTokens = new ServiceAccountTokens({ keyPem: pki.serviceAccount.keyPem, issuer: `https://kubernetes.default.svc.${flags.clusterDomain}` });
    const api = await startApiServer({
      store,
      // The multi-container lint: Warning headers on writes of Pods, Deployments and ReplicaSets (src/lint).
      strategies: coreStrategies({ serviceCIDR: flags.serviceCidr, serviceNodePortRange: flags.serviceNodePortRange, podSpecWarnings: podSpecWarningTexts, serviceAccountTokens }),
      serviceAccountTokens,
      authorizationMode: 'Node,RBAC',
      admissionPlugins: ['LimitRanger', 'ServiceAccount', 'DefaultStorageClass', 'PodSecurity', 'RuntimeClass', 'ResourceQuota'],
      ...(flags.debug ? { onAuthenticationError: (reason: string) => log.info(`Unable to authenticate the request: ${reason}`) } : {}),
      host: '127.0.0.1',
      port: flags.httpsListenPort,
      tls: { caPem: pki.caPem, certPem: pki.apiserver.certPem, keyPem: pki.apiserver.keyPem },
      kubeletClient: { caPem: pki.caPem, certPem: pki.apiserverKubeletClient.certPem, keyPem: pki.apiserverKubeletClient.keyPem },
      readOnly: metricsServer.resources,
      onServerError: (line) => log.error(`API server answered ${line}`),
    });
    stops.push(() => api.close(), 'API server', 2_000);
    const serverUrl = `https://127.0.0.1:${api.port}`;
    const kubeconfig = join(dataDir, 'kubeconfig.yaml');
    await writeFile(kubeconfig, renderKubeconfig(serverUrl, pki.caPem, pki.admin), { mode: 0o600 });
    log.info(`API server listening on ${serverUrl}; admin kubeconfig ${kubeconfig}`);

    /** The cluster DNS pods get; none with an external runtime (no bridge of ours to serve it on). */
    const clusterDNS: string[] = [];
    // This data dir's iptables chains (KUBE-* for the default data dir, K1Sxxxx-* otherwise; host-network.ts).
    const chainPrefix = chainPrefixFor(dataDir);
    /** The proxy captures forwarded packets from our bridge and from outside, not another k1s node's pods'. */
    let proxyScope: ProxyScope | undefined;
    let endpoint = flags.containerRuntimeEndpoint;
    if (!endpoint) {
      const registries = flags.privateRegistry ? await readFile(flags.privateRegistry, 'utf8') : undefined;
      const containerd = await startContainerd({
        dataDir,
        clusterCidr: flags.clusterCidr,
        // The node's pod CIDR derived once above: the bridge, the API listener and the DNS use its gateway.
        podCidr,
        ...(registries !== undefined ? { registriesYaml: registries } : {}),
        disableDefaultRegistryEndpoint: flags.disableDefaultRegistryEndpoint,
        // SIGKILL after 3 s, inside the shutdown step's budget: containerd is never left behind.
        stopTimeoutMs: 3_000,
        // An unexpected exit (crash, OOM kill, kill -9) is followed by a restart with back-off; the
        // kubelet's CRI channel reconnects and the node reports NotReady meanwhile (runtime is down).
        onEvent: (message) => log.warn(message),
        onRestart: (pid) => {
          childPids[childIndex] = pid;
        },
      });
      // stop() also cancels a pending restart: shutdown never brings containerd back.
      stops.push(() => containerd.stop(), 'containerd', 4_000);
      const childIndex = childPids.push(containerd.pid) - 1;
      endpoint = containerd.endpoint;
      log.info(`containerd running (pid ${containerd.pid}) at ${endpoint}`);
      // A second server on the same subnet would take the first one's routes: refuse instead.
      await assertPodCidrFree(podCidr, containerd.bridge);
      // The pod bridge exists from start-up, so pods reach the API and DNS on its gateway from their first packet.
      await ensureBridge(containerd.bridge, `${gateway}/${podCidr.split('/')[1] ?? '24'}`);
      // Pods reach the API server through the `kubernetes` Service, whose endpoint is this address; only
      // addresses of the cluster CIDR (pods) are served there.
      await api.listenAlso(gateway, api.port, (remote) => rangeContains(clusterRange, remote.replace(/^::ffff:/, '')));
      // Service traffic no proxy rule translated is rejected, never routed off the machine (proxy/guard.ts).
      await ensureServiceCidrGuard([flags.serviceCidr], { chainPrefix });
      proxyScope = { podBridgeInterface: containerd.bridge, otherBridgesPrefix: BRIDGE_NAME_PREFIX };
      // The cluster DNS (kubernetes/dns specification) on the gateway, behind the kube-dns Service.
      const dns = await startClusterDns({
        client: createApiClient({ server: serverUrl, caPem: pki.caPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem, userAgent: 'coredns' }),
        listen: [gateway],
        port: 53,
        clusterDomain: flags.clusterDomain,
        resolvConf: flags.resolvConf,
        acceptFrom: (remote) => rangeContains(clusterRange, remote.replace(/^::ffff:/, '')),
        // busybox nslookup exits 1 on an NXDOMAIN for any search suffix (`until nslookup db` would never end):
        // answer `NAME.svc.DOMAIN` and `NAME.DOMAIN` with no data instead, as the seeds' init containers need.
        noDataForSearchSuffixes: true,
        onError: (err) => log.warn('cluster DNS', err),
      });
      stops.push(() => dns.stop(), 'cluster DNS', 1_000);
      clusterDNS.push(flags.clusterDns);
    }
    if (flags.containerRuntimeEndpoint) {
      // An external runtime is not ours to start: wait for it as long as it takes, as the kubelet does, saying so
      // once when it does not answer at once.
      try {
        await waitForCri(endpoint, { timeoutMs: 1_000 });
      } catch (err) {
        log.warn(`waiting for the container runtime at ${endpoint}: ${err instanceof Error ? err.message : String(err)}`);
        for (;;) {
          try {
            await waitForCri(endpoint, { timeoutMs: 30_000 });
            break;
          } catch {
            // still not there: keep waiting
          }
        }
        log.info(`the container runtime at ${endpoint} answers`);
      }
    } else {
      await waitForCri(endpoint);
    }
    const cri = createCriClient(endpoint);
    stops.push(() => cri.close(), 'CRI client', 1_000);
    const tPause = Date.now();
    if (await ensurePauseImage({ endpoint, dataDir })) log.info(`built and imported the pause image in ${Date.now() - tPause} ms`);
    // k3s's airgap directory: archives in DATA_DIR/agent/images are in the runtime before the kubelet starts.
    for (const r of await importAirgapImages(endpoint, dataDir)) {
      if (r.error !== undefined) log.warn(`airgap images (${airgapImagesDir(dataDir)}): ${r.error}`);
      else log.info(`airgap images: imported ${r.images.join(', ') || 'no images'} from ${r.file} in ${r.elapsedMs} ms`);
    }

    const kubeletClient = createApiClient({
      server: serverUrl,
      caPem: pki.caPem,
      certPem: pki.kubeletClient.certPem,
      keyPem: pki.kubeletClient.keyPem,
      userAgent: `kubelet/${nodeName}`,
    });
    const kubelet = await startKubelet({
      client: kubeletClient,
      runtime: cri.runtime,
      images: cri.images,
      nodeName,
      rootDir: join(dataDir, 'kubelet'),
      podLogsDir: join(dataDir, 'pod-logs'),
      clusterDNS,
      clusterDomain: flags.clusterDomain,
      resolvConf: flags.resolvConf,
      nodeIP: flags.nodeIP,
      ...(flags.nodeExternalIP !== undefined ? { nodeExternalIP: flags.nodeExternalIP } : {}),
      // …and the same warnings as MultiContainerLint events on each pod the kubelet takes on.
      podWarnings: podLintEvents,
      ...(flags.kubeletArgs.maxPods !== undefined ? { maxPods: flags.kubeletArgs.maxPods } : {}),
      ...(flags.kubeletArgs.evictionHard !== undefined ? { evictionHard: flags.kubeletArgs.evictionHard } : {}),
      podSandboxImage: PAUSE_IMAGE,
      server: { host: '127.0.0.1', port: 0, tls: { caPem: pki.caPem, certPem: pki.kubeletServing.certPem, keyPem: pki.kubeletServing.keyPem } },
    });
    stops.push(() => kubelet.stop(), 'kubelet', 2_000);

    /** An API client with the admin certificate, named by `userAgent` in the server's log. */
    const adminClient = (userAgent: string) =>
      createApiClient({ server: serverUrl, caPem: pki.caPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem, userAgent });
    const scheduler = startScheduler({ client: adminClient('default-scheduler'), nodeName, onError: (err) => log.warn('scheduler', err) });
    stops.push(() => scheduler.stop(), 'scheduler', 1_000);
    const serviceAccounts = startServiceAccountsController({ client: adminClient('kube-controller-manager'), onError: (err) => log.warn('serviceaccounts controller', err) });
    stops.push(() => serviceAccounts.stop(), 'serviceaccounts controller', 1_000);
    // Token Secrets: filled and cleaned up always; one per ServiceAccount only with the legacy gate off (pre-1.24).
    const tokensController = startTokensController({
      client: adminClient('kube-controller-manager'),
      generateToken: (c) => serviceAccountTokens.generateLegacy(c),
      rootCA: pki.caPem,
      autoGenerate: flags.legacyServiceAccountTokenAutoGeneration,
      onError: (err) => log.warn('serviceaccount-token controller', err),
    });
    stops.push(() => tokensController.stop(), 'serviceaccount-token controller', 1_000);
    if (flags.legacyServiceAccountTokenAutoGeneration) log.info('LegacyServiceAccountTokenNoAutoGeneration=false: every ServiceAccount gets a token Secret');
    const rootCA = startRootCAPublisher({ client: adminClient('kube-controller-manager'), rootCA: pki.caPem, onError: (err) => log.warn('root-ca-cert-publisher', err) });
    stops.push(() => rootCA.stop(), 'root-ca-cert-publisher', 1_000);
    const aggregation = startClusterRoleAggregation({ client: adminClient('kube-controller-manager'), onError: (err) => log.warn('clusterrole-aggregation controller', err) });
    stops.push(() => aggregation.stop(), 'clusterrole-aggregation controller', 1_000);
    const namespaces = startNamespaceController({ client: adminClient('kube-controller-manager'), onError: (err) => log.warn('namespace controller', err) });
    stops.push(() => namespaces.stop(), 'namespace controller', 1_000);
    const systemServices = startSystemServicesController({
      client: adminClient('kube-apiserver'),
      apiServiceIP,
      apiAddress: gateway,
      apiPort: api.port,
      dnsServiceIP: flags.clusterDns,
      dnsAddress: gateway,
      onError: (err) => log.warn('system-services controller', err),
    });
    stops.push(() => systemServices.stop(), 'system-services controller', 1_000);
    const kcm = adminClient('kube-controller-manager');
    const endpoints = startEndpointsController({ client: kcm, onError: (err) => log.warn('endpoints controller', err) });
    stops.push(() => endpoints.stop(), 'endpoints controller', 1_000);
    const slices = startEndpointSliceController({ client: kcm, onError: (err) => log.warn('endpointslice controller', err) });
    stops.push(() => slices.stop(), 'endpointslice controller', 1_000);
    const replicaSets = startReplicaSetController({ client: kcm, onError: (err) => log.warn('replicaset controller', err) });
    stops.push(() => replicaSets.stop(), 'replicaset controller', 1_000);
    // The replication manager: the ReplicaSet controller's logic over core/v1 ReplicationControllers.
    const replication = startReplicaSetController({ client: kcm, kind: REPLICATION_CONTROLLER, onError: (err) => log.warn('replication controller', err) });
    stops.push(() => replication.stop(), 'replication controller', 1_000);
    const deployments = startDeploymentController({ client: kcm, onError: (err) => log.warn('deployment controller', err) });
    stops.push(() => deployments.stop(), 'deployment controller', 1_000);
    const gc = startGarbageCollector({ client: kcm, onError: (err) => log.warn('garbage collector', err) });
    stops.push(() => gc.stop(), 'garbage collector', 1_000);
    const quotaController = startResourceQuotaController({ client: kcm, onError: (err) => log.warn('resourcequota controller', err) });
    stops.push(() => quotaController.stop(), 'resourcequota controller', 1_000);
    // Persistent volumes: the PV binder and protection controllers, and k3s's local-path provisioner under DATA_DIR/storage.
    const pvController = startPersistentVolumeController({ client: kcm, onError: (err) => log.warn('persistentvolume controller', err) });
    stops.push(() => pvController.stop(), 'persistentvolume controller', 1_000);
    const pvcProtection = startPVCProtectionController({ client: kcm, onError: (err) => log.warn('pvc-protection controller', err) });
    stops.push(() => pvcProtection.stop(), 'pvc-protection controller', 1_000);
    const pvProtection = startPVProtectionController({ client: kcm, onError: (err) => log.warn('pv-protection controller', err) });
    stops.push(() => pvProtection.stop(), 'pv-protection controller', 1_000);
    const localPath = startLocalPathProvisioner({
      client: adminClient('local-path-provisioner'),
      basePath: join(dataDir, 'storage'),
      nodeName,
      onError: (err) => log.warn('local-path provisioner', err),
    });
    stops.push(() => localPath.stop(), 'local-path provisioner', 1_000);
    // kube-proxy's role; its rules go on a clean stop (and with `k1s killall`).
    const proxy = startServiceProxy({
      client: adminClient('kube-proxy'),
      clusterCIDR: flags.clusterCidr,
      serviceCIDRs: [flags.serviceCidr],
      chainPrefix,
      ...(proxyScope ? { scope: proxyScope } : {}),
      onError: (err) => log.warn('service proxy', err),
    });
    stops.push(async () => {
      await proxy.stop();
      for (const e of (await cleanupProxyRules({ chainPrefix })).errors) log.warn(`service proxy cleanup: ${e}`);
    }, 'service proxy', 2_000);
    // metrics-server's role: scrapes the kubelets' /metrics/resource every 15 s (kubectl top).
    metricsServer.start(adminClient('metrics-server'));
    stops.push(() => metricsServer.stop(), 'metrics server', 1_000);
    log.info(`k1s ready in ${Date.now() - t0} ms: node "${nodeName}" at ${flags.nodeIP}; export KUBECONFIG=${kubeconfig}`);
    await writeFile(join(dataDir, 'ready'), `${process.pid}\n`);
    stops.push(() => rm(join(dataDir, 'ready'), { force: true }), 'ready file');
  } catch (err) {
    log.error(`k1s server failed to start: ${errorLine(err, { portFlag: '--https-listen-port' })}`, flags.debug ? err : undefined);
    await shutdown();
    process.exitCode = 1;
    return;
  }
  await stopped;
  log.info('stopped');
}
