/**
 * Test data of the protobuf codec: request bodies captured from the real kubectl v1.32.4 (`-v=9` hex dumps) and
 * one object of every served kind in the JSON shape kube-apiserver writes (its `null`s left out), for round trips.
 */

/** Pod bodies kubectl v1.32.4 POSTed in protobuf: `debug web --copy-to` and `debug node/node1`. */
export const KUBECTL_POD_BODIES = {
  debugCopy:
    '6b3873000a090a0276311203506f64129b050a270a087765622d636f707912001a0764656661756c7422002a0032003800420062060a016112016212dd040a100a0176120b12090a0012050a033147690a130a0163120e9a010b0a040a02636d18a40320011288020a03617070120c62757379626f783a312e33361a05736c6565701a04333630302a0032110a04687474701000185022035443502a003a060a01581201313a1c0a015012001a150a130a027631120d6d657461646174612e6e616d654221120d0a0363707512060a043130306d12100a066d656d6f727912060a0433324d694a0d0a017610001a022f762200320052180a0c1a0a0a06080010501a00120010001801200a280130035a250a1912170a012f120a080110001a04687474701a00220448545450100018012005280130036a142f6465762f7465726d696e6174696f6e2d6c6f67720c49664e6f7450726573656e747a0410002000800100880100900100a2010446696c6512350a03646267120c62757379626f783a312e33361a05736c6565701a01312a0042006a007200800100880100900100a2010446696c651a06416c776179732000320c436c7573746572466972737442004a00520058006000680072008201008a01009a011164656661756c742d7363686564756c6572a80100b2011a0a016b12064578697374731a0022094e6f45786563757465281eb201360a1c6e6f64652e6b756265726e657465732e696f2f6e6f742d726561647912064578697374731a0022094e6f4578656375746528ac02b201380a1e6e6f64652e6b756265726e657465732e696f2f756e726561636861626c6512064578697374731a0022094e6f4578656375746528ac02c20100c80100f00101fa0114507265656d70744c6f7765725072696f726974791a100a001a0022002a0032004a005a0072001a002200',
  debugNode:
    '6b3873000a090a0276311203506f6412e1010a290a196e6f64652d64656275676765722d6e6f6465312d706c6a747012001a0022002a0032003800420012a1010a120a09686f73742d726f6f7412050a030a012f12540a086465627567676572120c62757379626f783a312e33361a05736c6565701a01312a0042004a180a09686f73742d726f6f7410001a052f686f7374220032006a007200800100880100900100a2010446696c651a054e65766572320042004a0052056e6f6465315801600168018201008a01009a0100b2010e0a0012064578697374731a002200c201001a100a001a0022002a0032004a005a0072001a002200',
};

const META = { name: 'x', namespace: 'ns1', uid: '3c1d2e4f-0000-4000-8000-000000000001', resourceVersion: '42', generation: 2, creationTimestamp: '2024-05-06T07:08:09Z', labels: { app: 'web' }, annotations: { note: 'hi' } };

const TIME = '2024-05-06T07:08:10Z';

/** A Pod using the well-known types: quantities, int-or-string ports, times, inline volume sources and probe handlers. */
const POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    ...META,
    generateName: 'x-',
    deletionTimestamp: '2024-05-06T08:00:00Z',
    deletionGracePeriodSeconds: 30,
    ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'rc', uid: 'u1', controller: true, blockOwnerDeletion: true }],
    finalizers: ['example.com/f'],
    managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: TIME, fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } } }],
  },
  spec: {
    volumes: [
      { name: 'data', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } },
      { name: 'cfg', configMap: { name: 'cm', items: [{ key: 'a', path: 'a.txt', mode: 256 }], defaultMode: 420, optional: false } },
      { name: 'sec', secret: { secretName: 's', defaultMode: 384 } },
      { name: 'host', hostPath: { path: '/var/log', type: 'Directory' } },
      {
        name: 'token',
        projected: {
          sources: [
            { serviceAccountToken: { audience: 'api', expirationSeconds: 3607, path: 'token' } },
            { downwardAPI: { items: [{ path: 'labels', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.labels' } }, { path: 'cpu', resourceFieldRef: { containerName: 'app', resource: 'limits.cpu', divisor: '1m' } }] } },
          ],
          defaultMode: 420,
        },
      },
    ],
    initContainers: [{ name: 'init', image: 'busybox:1.36', command: ['true'], resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent', restartPolicy: 'Always' }],
    containers: [
      {
        name: 'app',
        image: 'nginx:1.25',
        command: ['nginx'],
        args: ['-g', 'daemon off;'],
        workingDir: '/srv',
        ports: [{ name: 'http', hostPort: 8080, containerPort: 80, protocol: 'TCP', hostIP: '127.0.0.1' }],
        envFrom: [{ prefix: 'CM_', configMapRef: { name: 'cm', optional: true } }, { secretRef: { name: 's' } }],
        env: [
          { name: 'A', value: '1' },
          { name: 'EMPTY' },
          { name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
          { name: 'KEY', valueFrom: { secretKeyRef: { name: 's', key: 'k', optional: false } } },
        ],
        resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m', memory: '64Mi', 'ephemeral-storage': '1G' } },
        volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true, subPath: 'sub', mountPropagation: 'None' }],
        livenessProbe: { httpGet: { path: '/healthz', port: 'http', host: 'localhost', scheme: 'HTTPS', httpHeaders: [{ name: 'X-A', value: 'b' }] }, initialDelaySeconds: 3, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3, terminationGracePeriodSeconds: 5 },
        readinessProbe: { tcpSocket: { port: 80 }, timeoutSeconds: 1, periodSeconds: 5, successThreshold: 1, failureThreshold: 3 },
        startupProbe: { exec: { command: ['cat', '/ready'] }, timeoutSeconds: 1, periodSeconds: 1, successThreshold: 1, failureThreshold: 30 },
        lifecycle: { postStart: { exec: { command: ['echo'] } }, preStop: { sleep: { seconds: 2 } } },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'FallbackToLogsOnError',
        imagePullPolicy: 'Always',
        securityContext: { capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, privileged: false, runAsUser: 0, runAsNonRoot: false, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, seccompProfile: { type: 'RuntimeDefault' } },
        stdin: true,
        tty: true,
      },
    ],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 0,
    activeDeadlineSeconds: 600,
    dnsPolicy: 'ClusterFirst',
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    serviceAccountName: 'default',
    serviceAccount: 'default',
    automountServiceAccountToken: false,
    nodeName: 'node1',
    hostNetwork: true,
    shareProcessNamespace: true,
    securityContext: { runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000, supplementalGroups: [4000, 5000], sysctls: [{ name: 'net.core.somaxconn', value: '1024' }] },
    imagePullSecrets: [{ name: 'reg' }],
    hostname: 'h',
    subdomain: 'sub',
    affinity: {
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }] } },
      podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, topologyKey: 'kubernetes.io/hostname' } }] },
    },
    schedulerName: 'default-scheduler',
    tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }, { operator: 'Exists' }],
    hostAliases: [{ ip: '10.0.0.1', hostnames: ['a.local'] }],
    priorityClassName: 'high',
    priority: 0,
    dnsConfig: { nameservers: ['1.1.1.1'], searches: ['svc.local'], options: [{ name: 'ndots', value: '2' }] },
    readinessGates: [{ conditionType: 'example.com/ready' }],
    enableServiceLinks: false,
    preemptionPolicy: 'Never',
    overhead: { cpu: '10m' },
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } }],
    os: { name: 'linux' },
  },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: TIME }, { type: 'PodScheduled', status: 'True', lastTransitionTime: TIME, reason: 'Scheduled', message: 'ok' }],
    hostIP: '192.168.1.2',
    hostIPs: [{ ip: '192.168.1.2' }],
    podIP: '10.88.0.5',
    podIPs: [{ ip: '10.88.0.5' }],
    startTime: TIME,
    initContainerStatuses: [{ name: 'init', state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: TIME, finishedAt: TIME, containerID: 'containerd://ab' } }, lastState: {}, ready: true, restartCount: 0, image: 'busybox:1.36', imageID: 'docker.io/library/busybox@sha256:00', containerID: 'containerd://ab', started: false }],
    containerStatuses: [
      {
        name: 'app',
        state: { running: { startedAt: TIME } },
        lastState: { terminated: { exitCode: 137, signal: 9, reason: 'Error', message: 'killed', startedAt: TIME, finishedAt: TIME } },
        ready: false,
        restartCount: 3,
        image: 'nginx:1.25',
        imageID: '',
        started: true,
      },
      { name: 'side', state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s' } }, lastState: {}, ready: false, restartCount: 0, image: 'x', imageID: '' },
    ],
    qosClass: 'Burstable',
  },
};

/** A Node with taints, quantities, addresses, daemon endpoints, node info and images. */
const NODE = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'node1', uid: 'n-1', resourceVersion: '7', creationTimestamp: '2024-05-06T07:08:09Z', labels: { 'kubernetes.io/hostname': 'node1' } },
  spec: { podCIDR: '10.88.0.0/16', podCIDRs: ['10.88.0.0/16'], taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }, { key: 'k', value: 'v', effect: 'NoExecute', timeAdded: TIME }], unschedulable: true },
  status: {
    capacity: { cpu: '4', memory: '8023456Ki', pods: '110' },
    allocatable: { cpu: '3800m', memory: '7Gi', pods: '110' },
    conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: TIME, lastTransitionTime: TIME, reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
    addresses: [{ type: 'InternalIP', address: '192.168.1.2' }, { type: 'Hostname', address: 'node1' }],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: { machineID: 'm', systemUUID: 's', bootID: 'b', kernelVersion: '6.1', osImage: 'Debian', containerRuntimeVersion: 'containerd://1.6.20', kubeletVersion: 'v1.32.0', kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64' },
    images: [{ names: ['docker.io/library/busybox:1.36'], sizeBytes: 2234567 }],
  },
};

/** A core/v1 Event with legacy and events.k8s.io-style fields (MicroTime eventTime, series). */
const EVENT = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'web.17c', namespace: 'default', uid: 'e1', resourceVersion: '9', creationTimestamp: TIME },
  involvedObject: { kind: 'Pod', namespace: 'default', name: 'web', uid: 'p1', apiVersion: 'v1', resourceVersion: '5', fieldPath: 'spec.containers{app}' },
  reason: 'Pulled',
  message: 'Container image "nginx:1.25" already present on machine',
  source: { component: 'kubelet', host: 'node1' },
  firstTimestamp: TIME,
  lastTimestamp: TIME,
  count: 2,
  type: 'Normal',
  eventTime: '2024-05-06T07:08:10.123456Z',
  series: { count: 2, lastObservedTime: '2024-05-06T07:08:11.000001Z' },
  action: 'Pulling',
  related: { kind: 'Node', name: 'node1' },
  reportingComponent: 'kubelet',
  reportingInstance: 'node1',
};

/** A list item: kube's list JSON carries no apiVersion/kind on its items. */
function item(obj: Record<string, unknown>): Record<string, unknown> {
  const { apiVersion: _apiVersion, kind: _kind, ...rest } = obj;
  return rest;
}

const TEMPLATE = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.25', ports: [{ containerPort: 80, protocol: 'TCP' }], resources: {} }], restartPolicy: 'Always' } };

/** apps/v1 Deployment: pointer zeros (collisionCount), int-or-string surge values, a retainKeys strategy, the core/v1 pod template. */
const DEPLOYMENT = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: META,
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['frontend'] }] },
    template: TEMPLATE,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
    minReadySeconds: 5,
    revisionHistoryLimit: 10,
    paused: true,
    progressDeadlineSeconds: 600,
  },
  status: {
    observedGeneration: 2,
    replicas: 3,
    updatedReplicas: 3,
    readyReplicas: 2,
    availableReplicas: 2,
    unavailableReplicas: 1,
    conditions: [{ type: 'Available', status: 'True', lastUpdateTime: TIME, lastTransitionTime: TIME, reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }],
    collisionCount: 0,
  },
};

const REPLICA_SET = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { ...META, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd1', controller: true, blockOwnerDeletion: true }] },
  spec: { replicas: 0, minReadySeconds: 5, selector: { matchLabels: { app: 'web', 'pod-template-hash': '5d8f' } }, template: TEMPLATE },
  status: { replicas: 0, fullyLabeledReplicas: 1, observedGeneration: 4, readyReplicas: 1, availableReplicas: 1, conditions: [{ type: 'ReplicaFailure', status: 'True', lastTransitionTime: TIME, reason: 'FailedCreate', message: 'quota' }] },
};

/** core/v1 ReplicationController: a label-map selector, a pointer replicas of 0, the ReplicaSet status fields. */
const REPLICATION_CONTROLLER = {
  apiVersion: 'v1',
  kind: 'ReplicationController',
  metadata: { ...META, labels: { app: 'web' } },
  spec: { replicas: 0, minReadySeconds: 5, selector: { app: 'web' }, template: TEMPLATE },
  status: { replicas: 0, fullyLabeledReplicas: 1, observedGeneration: 4, readyReplicas: 1, availableReplicas: 1, conditions: [{ type: 'ReplicaFailure', status: 'True', lastTransitionTime: TIME, reason: 'FailedCreate', message: 'quota' }] },
};

/** discovery.k8s.io/v1 EndpointSlice: pointer bools that are false, a core/v1 targetRef, hints. */
const ENDPOINT_SLICE = {
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { ...META, labels: { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' } },
  addressType: 'IPv4',
  endpoints: [
    {
      addresses: ['10.42.0.5'],
      conditions: { ready: true, serving: true, terminating: false },
      hostname: 'web-0',
      targetRef: { kind: 'Pod', namespace: 'ns1', name: 'web-0', uid: 'p1' },
      deprecatedTopology: { 'kubernetes.io/hostname': 'node1' },
      nodeName: 'node1',
      zone: 'z1',
      hints: { forZones: [{ name: 'z1' }] },
    },
    { addresses: ['10.42.0.6'], conditions: {} },
  ],
  ports: [{ name: 'http', protocol: 'TCP', port: 80, appProtocol: 'http' }, { port: 0 }],
};

const SERVICE = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: META,
  spec: {
    ports: [{ name: 'http', protocol: 'TCP', appProtocol: 'http', port: 80, targetPort: 'http', nodePort: 30080 }, { name: 'metrics', protocol: 'UDP', port: 9100, targetPort: 9100 }],
    selector: { app: 'web' },
    clusterIP: '10.43.0.10',
    clusterIPs: ['10.43.0.10'],
    type: 'NodePort',
    externalIPs: ['192.0.2.10'],
    sessionAffinity: 'ClientIP',
    externalTrafficPolicy: 'Cluster',
    publishNotReadyAddresses: true,
    sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    allocateLoadBalancerNodePorts: false,
    internalTrafficPolicy: 'Cluster',
  },
  status: {
    loadBalancer: { ingress: [{ ip: '192.0.2.1', ipMode: 'VIP', ports: [{ port: 80, protocol: 'TCP' }] }] },
    conditions: [{ type: 'LoadBalancerReady', status: 'False', observedGeneration: 1, lastTransitionTime: TIME, reason: 'Pending', message: 'waiting' }],
  },
};

const ENDPOINTS = {
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: META,
  subsets: [
    {
      addresses: [{ ip: '10.42.0.5', hostname: 'web-0', nodeName: 'node1', targetRef: { kind: 'Pod', namespace: 'ns1', name: 'web-0', uid: 'p1' } }],
      notReadyAddresses: [{ ip: '10.42.0.6' }],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP', appProtocol: 'http' }],
    },
  ],
};

const POD_TEMPLATE = { apiVersion: 'v1', kind: 'PodTemplate', metadata: { ...META, labels: { 'podtemplate-static': 'true' } }, template: TEMPLATE };

const LEASE = {
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name: 'node1', namespace: 'kube-node-lease', uid: 'l1', resourceVersion: '8', creationTimestamp: TIME, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'node1', uid: 'n1' }] },
  spec: { holderIdentity: 'node1', leaseDurationSeconds: 40, acquireTime: '2024-05-06T07:08:10.000000Z', renewTime: '2024-05-06T07:08:20.123456Z', leaseTransitions: 0 },
};

const RUNTIME_CLASS = {
  apiVersion: 'node.k8s.io/v1',
  kind: 'RuntimeClass',
  metadata: { name: 'gvisor', uid: 'r1', resourceVersion: '3', creationTimestamp: TIME },
  handler: 'runsc',
  overhead: { podFixed: { cpu: '250m', memory: '120Mi' } },
  scheduling: { nodeSelector: { 'runtime/gvisor': 'true' }, tolerations: [{ key: 'runtime', operator: 'Equal', value: 'gvisor', effect: 'NoSchedule' }] },
};

const PERSISTENT_VOLUME = {
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name: 'pv1', uid: 'v1', resourceVersion: '7', creationTimestamp: TIME, finalizers: ['kubernetes.io/pv-protection'] },
  spec: {
    capacity: { storage: '1Gi' },
    hostPath: { path: '/var/lib/k1s/storage/pv1', type: 'DirectoryOrCreate' },
    accessModes: ['ReadWriteOnce'],
    claimRef: { kind: 'PersistentVolumeClaim', namespace: 'ns1', name: 'data', uid: 'c1', apiVersion: 'v1', resourceVersion: '6' },
    persistentVolumeReclaimPolicy: 'Delete',
    storageClassName: 'local-path',
    volumeMode: 'Filesystem',
    nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node1'] }] }] } },
  },
  status: { phase: 'Bound', lastPhaseTransitionTime: TIME },
};

const PERSISTENT_VOLUME_CLAIM = {
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: META,
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeName: 'pv1', storageClassName: 'local-path', volumeMode: 'Filesystem' },
  status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } },
};

const LIMIT_RANGE = {
  apiVersion: 'v1',
  kind: 'LimitRange',
  metadata: META,
  spec: {
    limits: [
      { type: 'Container', max: { memory: '1Gi' }, min: { cpu: '10m' }, default: { memory: '512Mi', cpu: '500m' }, defaultRequest: { memory: '256Mi', cpu: '100m' }, maxLimitRequestRatio: { cpu: '4' } },
      { type: 'PersistentVolumeClaim', max: { storage: '10Gi' } },
    ],
  },
};

const RESOURCE_QUOTA = {
  apiVersion: 'v1',
  kind: 'ResourceQuota',
  metadata: META,
  spec: { hard: { pods: '2', 'requests.cpu': '1', 'count/configmaps': '5' }, scopes: ['NotTerminating'], scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } },
  status: { hard: { pods: '2', 'requests.cpu': '1', 'count/configmaps': '5' }, used: { pods: '1', 'requests.cpu': '500m', 'count/configmaps': '1' } },
};

const STORAGE_CLASS = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'local-path', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
  provisioner: 'rancher.io/local-path',
  parameters: { nodePath: '/var/lib/k1s/storage' },
  reclaimPolicy: 'Delete',
  mountOptions: ['noatime'],
  allowVolumeExpansion: false,
  volumeBindingMode: 'WaitForFirstConsumer',
  allowedTopologies: [{ matchLabelExpressions: [{ key: 'kubernetes.io/hostname', values: ['node1'] }] }],
};

const RULES = [{ verbs: ['get', 'list', 'watch'], apiGroups: ['', 'apps'], resources: ['pods', 'deployments'], resourceNames: ['web'] }];
const SUBJECTS = [
  { kind: 'ServiceAccount', name: 'default', namespace: 'ns1' },
  { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' },
];
const RBAC = 'rbac.authorization.k8s.io/v1';

/**
 * Objects of every served kind, plus the lists, Binding, Status and DeleteOptions, in kube's JSON shape (keyed by
 * kind; kinds are unique across the groups here). Values are what Go's encoding/json writes for the decoded
 * struct: non-pointer structs always present (`strategy: {}`, `conditions: {}`), fields without omitempty even
 * when zero (ReplicaSetStatus and ScaleStatus `replicas: 0`), pointer zeros kept (`collisionCount: 0`).
 */
export const JSON_FIXTURES: Record<string, Record<string, unknown>> = {
  Pod: POD,
  Node: NODE,
  Event: EVENT,
  Namespace: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1', uid: 'u', resourceVersion: '3', creationTimestamp: TIME, deletionTimestamp: TIME, labels: { 'kubernetes.io/metadata.name': 'ns1' } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Terminating', conditions: [{ type: 'NamespaceContentRemaining', status: 'True', lastTransitionTime: TIME, reason: 'SomeResourcesRemain', message: 'Some resources are remaining: pods. has 1 resource instances' }] } },
  ConfigMap: { apiVersion: 'v1', kind: 'ConfigMap', metadata: META, data: { 'a.txt': 'line1\nline2', empty: '' }, binaryData: { bin: 'AAEC/w==' }, immutable: false },
  Secret: { apiVersion: 'v1', kind: 'Secret', metadata: META, data: { password: 'cGFzcw==', empty: '' }, type: 'kubernetes.io/basic-auth', immutable: true },
  ServiceAccount: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: META, secrets: [{ kind: 'Secret', name: 'tok', namespace: 'ns1' }], imagePullSecrets: [{ name: 'reg' }], automountServiceAccountToken: false },
  Binding: { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'web', namespace: 'default' }, target: { kind: 'Node', name: 'node1' } },
  PodList: { apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: '100', continue: 'abc', remainingItemCount: 3 }, items: [item(POD), { metadata: { name: 'min' }, spec: { containers: [{ name: 'c', image: 'i', resources: {} }] }, status: {} }] },
  NodeList: { apiVersion: 'v1', kind: 'NodeList', metadata: { resourceVersion: '100' }, items: [item(NODE)] },
  EventList: { apiVersion: 'v1', kind: 'EventList', metadata: {}, items: [item(EVENT)] },
  NamespaceList: { apiVersion: 'v1', kind: 'NamespaceList', metadata: { resourceVersion: '1' }, items: [{ metadata: { name: 'default' }, spec: {}, status: { phase: 'Active' } }] },
  ConfigMapList: { apiVersion: 'v1', kind: 'ConfigMapList', metadata: { resourceVersion: '1' }, items: [{ metadata: { name: 'c' }, data: { a: 'b' } }] },
  SecretList: { apiVersion: 'v1', kind: 'SecretList', metadata: { resourceVersion: '1' }, items: [{ metadata: { name: 's' }, data: { k: 'dg==' }, type: 'Opaque' }] },
  ServiceAccountList: { apiVersion: 'v1', kind: 'ServiceAccountList', metadata: { resourceVersion: '1' }, items: [{ metadata: { name: 'default' } }] },
  Status: {
    apiVersion: 'v1',
    kind: 'Status',
    metadata: {},
    status: 'Failure',
    message: 'Pod "x" is invalid: spec.containers[0].image: Required value',
    reason: 'Invalid',
    details: { name: 'x', kind: 'Pod', causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers[0].image' }], retryAfterSeconds: 1 },
    code: 422,
  },
  DeleteOptions: { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, preconditions: { uid: 'u1', resourceVersion: '5' }, orphanDependents: false, propagationPolicy: 'Foreground', dryRun: ['All'] },
  Service: SERVICE,
  ServiceList: { apiVersion: 'v1', kind: 'ServiceList', metadata: { resourceVersion: '1' }, items: [item(SERVICE), { metadata: { name: 'kubernetes' }, spec: { ports: [{ port: 443, targetPort: 6443 }] }, status: { loadBalancer: {} } }] },
  Endpoints: ENDPOINTS,
  EndpointsList: { apiVersion: 'v1', kind: 'EndpointsList', metadata: { resourceVersion: '1' }, items: [item(ENDPOINTS), { metadata: { name: 'empty' } }] },
  PersistentVolume: PERSISTENT_VOLUME,
  PersistentVolumeList: { apiVersion: 'v1', kind: 'PersistentVolumeList', metadata: { resourceVersion: '1' }, items: [item(PERSISTENT_VOLUME)] },
  PersistentVolumeClaim: PERSISTENT_VOLUME_CLAIM,
  PersistentVolumeClaimList: { apiVersion: 'v1', kind: 'PersistentVolumeClaimList', metadata: { resourceVersion: '1' }, items: [item(PERSISTENT_VOLUME_CLAIM), { metadata: { name: 'c' }, spec: { resources: {} }, status: {} }] },
  LimitRange: LIMIT_RANGE,
  LimitRangeList: { apiVersion: 'v1', kind: 'LimitRangeList', metadata: { resourceVersion: '1' }, items: [item(LIMIT_RANGE), { metadata: { name: 'empty' }, spec: { limits: [{ type: 'Pod' }] } }] },
  ResourceQuota: RESOURCE_QUOTA,
  ResourceQuotaList: { apiVersion: 'v1', kind: 'ResourceQuotaList', metadata: { resourceVersion: '1' }, items: [item(RESOURCE_QUOTA), { metadata: { name: 'empty' }, spec: {}, status: {} }] },
  Deployment: DEPLOYMENT,
  DeploymentList: { apiVersion: 'apps/v1', kind: 'DeploymentList', metadata: { resourceVersion: '9' }, items: [item(DEPLOYMENT), { metadata: { name: 'min' }, spec: { template: { metadata: {}, spec: {} }, strategy: {} }, status: {} }] },
  ReplicaSet: REPLICA_SET,
  ReplicaSetList: { apiVersion: 'apps/v1', kind: 'ReplicaSetList', metadata: { resourceVersion: '9' }, items: [item(REPLICA_SET), { metadata: { name: 'min' }, spec: { template: { metadata: {}, spec: {} } }, status: { replicas: 0 } }] },
  ReplicationController: REPLICATION_CONTROLLER,
  ReplicationControllerList: { apiVersion: 'v1', kind: 'ReplicationControllerList', metadata: { resourceVersion: '9' }, items: [item(REPLICATION_CONTROLLER), { metadata: { name: 'min' }, spec: {}, status: { replicas: 0 } }] },
  PodTemplate: POD_TEMPLATE,
  PodTemplateList: { apiVersion: 'v1', kind: 'PodTemplateList', metadata: { resourceVersion: '9' }, items: [item(POD_TEMPLATE), { metadata: { name: 'min' }, template: { metadata: {}, spec: {} } }] },
  Lease: LEASE,
  LeaseList: { apiVersion: 'coordination.k8s.io/v1', kind: 'LeaseList', metadata: { resourceVersion: '9' }, items: [item(LEASE), { metadata: { name: 'empty' }, spec: {} }] },
  RuntimeClass: RUNTIME_CLASS,
  RuntimeClassList: { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClassList', metadata: { resourceVersion: '9' }, items: [item(RUNTIME_CLASS), { metadata: { name: 'runc' }, handler: 'runc' }] },
  Scale: { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web', namespace: 'ns1', resourceVersion: '12' }, spec: { replicas: 3 }, status: { replicas: 0, selector: 'app=web' } },
  EndpointSlice: ENDPOINT_SLICE,
  EndpointSliceList: { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSliceList', metadata: { resourceVersion: '1' }, items: [item(ENDPOINT_SLICE), { metadata: { name: 'web-empty' }, addressType: 'IPv6' }] },
  StorageClass: STORAGE_CLASS,
  StorageClassList: { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClassList', metadata: { resourceVersion: '1' }, items: [item(STORAGE_CLASS)] },
  Role: { apiVersion: RBAC, kind: 'Role', metadata: META, rules: RULES },
  RoleList: { apiVersion: RBAC, kind: 'RoleList', metadata: {}, items: [{ metadata: { name: 'r' }, rules: [{ verbs: ['*'] }] }] },
  ClusterRole: { apiVersion: RBAC, kind: 'ClusterRole', metadata: { name: 'view' }, rules: [...RULES, { verbs: ['get'], nonResourceURLs: ['/healthz'] }], aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-view': 'true' } }] } },
  ClusterRoleList: { apiVersion: RBAC, kind: 'ClusterRoleList', metadata: {}, items: [{ metadata: { name: 'empty' } }] },
  RoleBinding: { apiVersion: RBAC, kind: 'RoleBinding', metadata: META, subjects: SUBJECTS, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' } },
  RoleBindingList: { apiVersion: RBAC, kind: 'RoleBindingList', metadata: {}, items: [{ metadata: { name: 'b' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' } }] },
  ClusterRoleBinding: { apiVersion: RBAC, kind: 'ClusterRoleBinding', metadata: { name: 'admin' }, subjects: SUBJECTS, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' } },
  ClusterRoleBindingList: { apiVersion: RBAC, kind: 'ClusterRoleBindingList', metadata: {}, items: [{ metadata: { name: 'b' }, roleRef: { apiGroup: '', kind: '', name: '' } }] },
  TokenRequest: {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    metadata: { name: 'default', namespace: 'ns1', creationTimestamp: TIME },
    spec: { audiences: ['https://kubernetes.default.svc'], expirationSeconds: 3600, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web', uid: 'p1' } },
    status: { token: 'eyJhbGciOi', expirationTimestamp: TIME },
  },
  TokenReview: {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenReview',
    metadata: {},
    spec: { token: 'eyJhbGciOi', audiences: ['https://kubernetes.default.svc.cluster.local'] },
    status: {
      authenticated: true,
      user: { username: 'system:serviceaccount:ns1:default', uid: 'u1', groups: ['system:serviceaccounts', 'system:authenticated'], extra: { 'authentication.kubernetes.io/pod-name': ['web'] } },
      audiences: ['https://kubernetes.default.svc.cluster.local'],
    },
  },
  SelfSubjectReview: {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'SelfSubjectReview',
    metadata: { creationTimestamp: TIME },
    status: { userInfo: { username: 'system:admin', groups: ['system:masters', 'system:authenticated'], extra: { 'authentication.kubernetes.io/credential-id': ['X509SHA256=ab'] } } },
  },
  SubjectAccessReview: {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    metadata: {},
    spec: { resourceAttributes: { namespace: 'ns1', verb: 'list', resource: 'pods' }, user: 'jane', groups: ['dev'], extra: { scope: ['a', 'b'] }, uid: 'u1' },
    status: { allowed: false, denied: true, reason: 'no', evaluationError: 'boom' },
  },
  SelfSubjectAccessReview: {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    metadata: {},
    spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' } },
    status: { allowed: true },
  },
  LocalSubjectAccessReview: {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'LocalSubjectAccessReview',
    metadata: { namespace: 'ns1' },
    spec: { resourceAttributes: { namespace: 'ns1', verb: 'get', group: 'apps', version: 'v1', resource: 'deployments', subresource: 'scale', name: 'web' }, user: 'jane' },
    status: { allowed: true, reason: 'RBAC: allowed' },
  },
  SelfSubjectRulesReview: {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectRulesReview',
    metadata: {},
    spec: { namespace: 'ns1' },
    status: {
      resourceRules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'], resourceNames: ['web'] }],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
      incomplete: false,
    },
  },
};
