// The cluster DNS's public entry: startClusterDns and its option/handle types.

export { startClusterDns, type ClusterDns, type ClusterDnsOptions } from './server.js';
export { ClusterRecords, type ClusterRecordSource } from './cluster-records.js';
