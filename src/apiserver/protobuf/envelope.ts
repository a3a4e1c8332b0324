/**
 * The Kubernetes protobuf wire envelope: the 4-byte magic `k8s\0` followed by a `runtime.Unknown` message whose
 * `typeMeta` names the object's apiVersion/kind and whose `raw` holds the object's own message.
 *
 * Mirrors k8s.io/apimachinery `pkg/runtime/serializer/protobuf/protobuf.go` (`Serializer.Decode`/`Encode`), whose
 * error texts these reuse.
 */
import { schemaRoot, UNKNOWN } from './schema.js';

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
 * protobufjs's when the Unknown message is malformed; callers turn these into 400s.
 */
export function decodeEnvelope(body: Uint8Array): Envelope {
  if (body.length === 0) throw new Error('empty data');
  const prefix = PROTOBUF_MAGIC;
  if (body.length < prefix.length || !prefix.equals(body.subarray(0, prefix.length))) {
    throw new Error(`provided data does not appear to be a protobuf message, expected prefix [${[...prefix].join(' ')}]`);
  }
  if (body.length === prefix.length) throw new Error('empty body');
  const type = schemaRoot().lookupType(UNKNOWN);
  const msg = type.toObject(type.decode(body.subarray(prefix.length)), { bytes: Buffer }) as {
    typeMeta?: { apiVersion?: string; kind?: string };
    raw?: Uint8Array;
    contentEncoding?: string;
    contentType?: string;
  };
  return {
    apiVersion: msg.typeMeta?.apiVersion ?? '',
    kind: msg.typeMeta?.kind ?? '',
    raw: msg.raw ?? new Uint8Array(0),
    contentEncoding: msg.contentEncoding ?? '',
    contentType: msg.contentType ?? '',
  };
}

/** Wraps an encoded object message in the envelope (magic + Unknown with typeMeta and raw), as `Serializer.Encode` does. */
export function encodeEnvelope(apiVersion: string, kind: string, raw: Uint8Array): Buffer {
  const type = schemaRoot().lookupType(UNKNOWN);
  const msg = type.fromObject({ typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '' });
  return Buffer.concat([PROTOBUF_MAGIC, type.encode(msg).finish()]);
}
