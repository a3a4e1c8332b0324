/**
 * The CPU and memory part of the kubelet's stats summary: what `/metrics/resource` is rendered from.
 *
 * Mirrors k8s.io/kubelet `pkg/apis/stats/v1alpha1/types.go` (NodeStats, PodStats, ContainerStats, CPUStats,
 * MemoryStats) with the fields `SummaryProvider.GetCPUAndMemoryStats` fills; times are ms since the epoch
 * (fractional where the runtime gave nanoseconds), usages are plain numbers. The eviction manager adds the
 * storage and process fields (FsStats, VolumeStats, ephemeralStorage, processStats) for the pods it measures.
 */

/** CPUStats: cumulative usage at `time`. */
export interface CPUStats {
  /** When the sample was taken, ms since the epoch. */
  time: number;
  /** Cumulative CPU time since the container (or node) started, core-nanoseconds. */
  usageCoreNanoSeconds: number;
}

/** MemoryStats: the working set at `time`. */
export interface MemoryStats {
  /** ms since the epoch. */
  time: number;
  /** Usage minus inactive file pages, bytes. */
  workingSetBytes: number;
}

/** FsStats: what a file system object holds (bytes and inodes it uses). */
export interface FsStats {
  /** Bytes used (allocated blocks, as du counts them). */
  usedBytes: number;
  inodesUsed?: number;
}

/** VolumeStats: one pod volume's usage, by the volume's name in the pod spec. */
export interface VolumeStats extends FsStats {
  name: string;
}

/** ContainerStats of one running container. */
export interface ContainerStats {
  name: string;
  /** The container's creation time (CRI `createdAt`), ms since the epoch. */
  startTime: number;
  cpu?: CPUStats;
  memory?: MemoryStats;
  /** The writable layer (CRI ContainerStats.writable_layer), when the runtime reports it. */
  rootfs?: FsStats;
  /** The container's log directory; filled only when storage stats were asked for. */
  logs?: FsStats;
}

/** PodStats: the pod's running containers and the pod total. */
export interface PodStats {
  podRef: { name: string; namespace: string; uid: string };
  /** The sandbox's creation time, ms since the epoch. */
  startTime: number;
  containers: ContainerStats[];
  cpu?: CPUStats;
  memory?: MemoryStats;
  /** The pod's measured volumes (emptyDir, configMap, ...); filled only when storage stats were asked for. */
  volumeStats?: VolumeStats[];
  /** Containers' rootfs and logs, the local ephemeral volumes and etc-hosts (calcEphemeralStorage). */
  ephemeralStorage?: FsStats;
  /** ProcessStats: the processes of the pod's containers; filled only when asked for. */
  processStats?: { processCount: number };
}

/** NodeStats: the root cgroup's usage. */
export interface NodeStats {
  nodeName: string;
  cpu?: CPUStats;
  memory?: MemoryStats;
}

/** The summary of one node (`statsapi.Summary` restricted to CPU and memory). */
export interface CPUAndMemorySummary {
  node: NodeStats;
  pods: PodStats[];
}
