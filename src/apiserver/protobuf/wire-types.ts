/**
 * Shapes of the generated wire schema (wire-schema.gen.ts): one WireField a protobuf field of a Kubernetes message,
 * with the Go facts that decide its JSON form.
 *
 * Mirrors what go-to-protobuf derives from the Go types of k8s.io/api and k8s.io/apimachinery: field numbers and
 * types from the `protobuf:"bytes,N,opt,name=..."` tags, and from the Go side whether a field is a pointer, has
 * `omitempty`, or is an embedded struct inlined in JSON (`json:",inline"`).
 */

/** One field of a message. */
export interface WireField {
  /** The proto field name, which is also the JSON name unless `json` says otherwise. */
  name: string;
  /** The field number (the wire contract). */
  no: number;
  /** A scalar (`string`, `bool`, `int32`, `int64`, `bytes`, `double`...) or a message name (`core.v1.PodSpec`). */
  type: string;
  /** `repeated` list or `map` (string keys; `type` is the value type); absent = singular. */
  label?: 'repeated' | 'map';
  /** A Go pointer: set only when present, so an explicit zero value is meaningful. */
  ptr?: true;
  /** The JSON tag has omitempty: a zero value is left out of JSON. */
  omitempty?: true;
  /** An embedded struct whose JSON fields sit in the parent object (`Volume.volumeSource`, `Probe.handler`). */
  inline?: true;
  /** The JSON name when it differs from the proto name. */
  json?: string;
}

/** Messages by short name (`core.v1.Pod`, `meta.v1.ObjectMeta`, `runtime.Unknown`), fields in number order. */
export type WireSchema = Record<string, WireField[]>;
