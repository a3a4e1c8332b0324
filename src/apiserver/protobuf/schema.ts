/**
 * The subset of the Kubernetes protobuf schema k1s decodes: runtime.Unknown, meta/v1 ObjectMeta and the core/v1
 * kinds kubectl's typed `create` subcommands send (ConfigMap, Secret, Namespace, ServiceAccount).
 *
 * Message and field numbers are the wire contract and follow k8s.io/api `core/v1/generated.proto`,
 * k8s.io/apimachinery `pkg/apis/meta/v1/generated.proto` and `pkg/runtime/generated.proto` exactly; every field of
 * each message listed is present, so nothing a client sends is dropped silently.
 */
import protobuf from 'protobufjs';
import type { Root, Type } from 'protobufjs';

/** Package of the meta/v1 messages. */
export const META_V1 = 'k8s.io.apimachinery.pkg.apis.meta.v1';
/** Package of the core/v1 messages. */
export const CORE_V1 = 'k8s.io.api.core.v1';
/** Full name of the runtime.Unknown envelope message. */
export const UNKNOWN = 'k8s.io.apimachinery.pkg.runtime.Unknown';

const RUNTIME_PROTO = `
syntax = "proto2";
package k8s.io.apimachinery.pkg.runtime;
message TypeMeta {
  optional string apiVersion = 1;
  optional string kind = 2;
}
message Unknown {
  optional TypeMeta typeMeta = 1;
  optional bytes raw = 2;
  optional string contentEncoding = 3;
  optional string contentType = 4;
}
`;

const META_PROTO = `
syntax = "proto2";
package ${META_V1};
message Time {
  optional int64 seconds = 1;
  optional int32 nanos = 2;
}
message FieldsV1 {
  optional bytes Raw = 1;
}
message OwnerReference {
  optional string kind = 1;
  optional string name = 3;
  optional string uid = 4;
  optional string apiVersion = 5;
  optional bool controller = 6;
  optional bool blockOwnerDeletion = 7;
}
message ManagedFieldsEntry {
  optional string manager = 1;
  optional string operation = 2;
  optional string apiVersion = 3;
  optional Time time = 4;
  optional string fieldsType = 6;
  optional FieldsV1 fieldsV1 = 7;
  optional string subresource = 8;
}
message ObjectMeta {
  optional string name = 1;
  optional string generateName = 2;
  optional string namespace = 3;
  optional string selfLink = 4;
  optional string uid = 5;
  optional string resourceVersion = 6;
  optional int64 generation = 7;
  optional Time creationTimestamp = 8;
  optional Time deletionTimestamp = 9;
  optional int64 deletionGracePeriodSeconds = 10;
  map<string, string> labels = 11;
  map<string, string> annotations = 12;
  repeated OwnerReference ownerReferences = 13;
  repeated string finalizers = 14;
  repeated ManagedFieldsEntry managedFields = 17;
}
`;

const CORE_PROTO = `
syntax = "proto2";
package ${CORE_V1};
message ConfigMap {
  optional .${META_V1}.ObjectMeta metadata = 1;
  map<string, string> data = 2;
  map<string, bytes> binaryData = 3;
  optional bool immutable = 4;
}
message Secret {
  optional .${META_V1}.ObjectMeta metadata = 1;
  map<string, bytes> data = 2;
  optional string type = 3;
  map<string, string> stringData = 4;
  optional bool immutable = 5;
}
message NamespaceSpec {
  repeated string finalizers = 1;
}
message NamespaceCondition {
  optional string type = 1;
  optional string status = 2;
  optional .${META_V1}.Time lastTransitionTime = 4;
  optional string reason = 5;
  optional string message = 6;
}
message NamespaceStatus {
  optional string phase = 1;
  repeated NamespaceCondition conditions = 2;
}
message Namespace {
  optional .${META_V1}.ObjectMeta metadata = 1;
  optional NamespaceSpec spec = 2;
  optional NamespaceStatus status = 3;
}
message ObjectReference {
  optional string kind = 1;
  optional string namespace = 2;
  optional string name = 3;
  optional string uid = 4;
  optional string apiVersion = 5;
  optional string resourceVersion = 6;
  optional string fieldPath = 7;
}
message LocalObjectReference {
  optional string name = 1;
}
message ServiceAccount {
  optional .${META_V1}.ObjectMeta metadata = 1;
  repeated ObjectReference secrets = 2;
  repeated LocalObjectReference imagePullSecrets = 3;
  optional bool automountServiceAccountToken = 4;
}
`;

/** Kinds (by `apiVersion/kind`, core group as `v1/Kind`) decodable from protobuf, with their message names. */
const KINDS: Record<string, string> = {
  'v1/ConfigMap': `${CORE_V1}.ConfigMap`,
  'v1/Secret': `${CORE_V1}.Secret`,
  'v1/Namespace': `${CORE_V1}.Namespace`,
  'v1/ServiceAccount': `${CORE_V1}.ServiceAccount`,
};

let root: Root | undefined;

/** The parsed schema (built once; field names kept as written, which are the JSON names). */
export function schemaRoot(): Root {
  if (root) return root;
  const r = new protobuf.Root();
  const opts = { keepCase: true };
  protobuf.parse(RUNTIME_PROTO, r, opts);
  protobuf.parse(META_PROTO, r, opts);
  protobuf.parse(CORE_PROTO, r, opts);
  r.resolveAll();
  root = r;
  return r;
}

/** The message type of `apiVersion`/`kind`, or undefined when k1s has no protobuf schema for it. */
export function messageTypeOf(apiVersion: string, kind: string): Type | undefined {
  const name = KINDS[`${apiVersion}/${kind}`];
  return name === undefined ? undefined : schemaRoot().lookupType(name);
}
