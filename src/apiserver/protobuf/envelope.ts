/**
 * The Kubernetes protobuf wire envelope: the 4-byte magic `k8s\0` followed by a `runtime.Unknown` message whose
 * `typeMeta` names the object's apiVersion/kind and whose `raw` holds the object's own message.
 *
 * Mirrors k8s.io/apimachinery `pkg/runtime/serializer/protobuf/protobuf.go` (`Serializer.Decode`/`Encode`), whose
 * error texts these reuse, and `runtime/generated.pb.go` (Unknown, TypeMeta) for the bytes.
 */
import protobuf from 'protobufjs';
import { decodeMessage } from './wire-codec.js';

/** The magic prefix of every Kubernetes protobuf body (`protoEncodingPrefix`). */
export const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** A decoded envelope: the object's type and its still-encoded message. */
export interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  /** Usually empty; kube-apiserver ignores it too. */
  contentEncoding: string;
  /** Usually empty (meaning protobuf). */
  contentType: string;
}

/**
 * Splits a protobuf body into its envelope. Throws a plain Error with apimachinery's message (`empty data`,
 * `provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]`, `empty body`) or
 * gogo-protobuf's (`unexpected EOF`...) when the Unknown message is malformed; callers turn these into 400s.
 */
export function decodeEnvelope(body: Uint8Array): Envelope {
  if (body.length === 0) throw new Error('empty data');
  const prefix = PROTOBUF_MAGIC;
  if (body.length < prefix.length || !prefix.equals(body.subarray(0, prefix.length))) {
    throw new Error(`provided data does not appear to be a protobuf message, expected prefix [${[...prefix].join(' ')}]`);
  }
  if (body.length === prefix.length) throw new Error('empty body');
  const u = decodeMessage('runtime.Unknown', body.subarray(prefix.length));
  const raw = typeof u['raw'] === 'string' ? Buffer.from(u['raw'], 'base64') : new Uint8Array(0);
  return {
    apiVersion: String(u['apiVersion'] ?? ''),
    kind: String(u['kind'] ?? ''),
    raw,
    contentEncoding: String(u['contentEncoding'] ?? ''),
    contentType: String(u['contentType'] ?? ''),
  };
}

/**
 * Wraps an encoded object message in the envelope (magic + Unknown with typeMeta, raw, and the empty
 * contentEncoding and contentType Go always writes), as `Serializer.Encode` does.
 */
export function encodeEnvelope(apiVersion: string, kind: string, raw: Uint8Array): Buffer {
  const w = protobuf.Writer.create();
  w.uint32(10).fork().uint32(10).string(apiVersion).uint32(18).string(kind).ldelim();
  w.uint32(18).bytes(raw);
  w.uint32(26).string('');
  w.uint32(34).string('');
  return Buffer.concat([PROTOBUF_MAGIC, w.finish()]);
}
