/**
 * Request-body codec for `application/vnd.kubernetes.protobuf`: turns a protobuf create/update body into the
 * same JSON object the JSON path parses, so validation, strict checks and storage run unchanged.
 *
 * Mirrors the protobuf serializer kube-apiserver negotiates for built-in kinds (apimachinery
 * `runtime/serializer/protobuf`) and the decode-error wording of apiserver `handlers/rest.go`
 * `transformDecodeError`. Only the kinds in schema.ts are known; the caller answers 415 for the rest.
 */
import { badRequest } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import type { Gvk } from '../patch-adapter.js';
import { decodeEnvelope, encodeEnvelope } from './envelope.js';
import { decodeToJson, encodeFromJson } from './json-shape.js';
import { messageTypeOf } from './schema.js';

/** The Kubernetes protobuf media type (`runtime.ContentTypeProtobuf`). */
export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

function apiVersionOf(gvk: Gvk): string {
  return gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
}

/** Whether bodies for `gvk` can be decoded from protobuf (false → the caller keeps its 415). */
export function supportsProtobuf(gvk: Gvk): boolean {
  return messageTypeOf(apiVersionOf(gvk), gvk.kind) !== undefined;
}

/** apiserver's `summarizeData`: hex of the first 30 bytes, `<empty>` when none. */
function summarize(body: Uint8Array, max = 30): string {
  if (body.length === 0) return '<empty>';
  const hex = Buffer.from(body.subarray(0, max)).toString('hex');
  return body.length > max ? `${hex} ...` : hex;
}

/**
 * Decodes a protobuf request body meant for `gvk` into its JSON shape: `{apiVersion, kind, metadata, ...}` with
 * the envelope's apiVersion/kind, which the caller then checks against `gvk` as it does for JSON. When the
 * envelope names a kind k1s has no schema for, only `{apiVersion, kind}` is returned, so that check rejects it.
 * Throws 400 BadRequest (`the object provided is unrecognized (must be of type ConfigMap): ...`, or
 * `ConfigMap in version "v1" cannot be handled as a ConfigMap: ...` once the envelope is read) on bad bytes.
 */
export function decodeProtobufBody(body: Uint8Array, gvk: Gvk): Record<string, unknown> {
  let env;
  try {
    env = decodeEnvelope(body);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw badRequest(`the object provided is unrecognized (must be of type ${gvk.kind}): ${msg} (${summarize(body)})`);
  }
  const type = messageTypeOf(env.apiVersion, env.kind);
  if (!type) return { apiVersion: env.apiVersion, kind: env.kind };
  try {
    return { apiVersion: env.apiVersion, kind: env.kind, ...decodeToJson(type, env.raw) };
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const version = env.apiVersion.includes('/') ? (env.apiVersion.split('/')[1] ?? '') : env.apiVersion;
    throw badRequest(`${env.kind} in version "${version}" cannot be handled as a ${gvk.kind}: ${msg}`);
  }
}

/**
 * Encodes an object (JSON shape, with apiVersion and kind) as a Kubernetes protobuf body: magic, Unknown envelope,
 * object message. Used for responses to clients that accept only protobuf, and by tests. Throws an Error when k1s
 * has no schema for the object's kind.
 */
export function encodeProtobufObject(obj: KubeObject): Buffer {
  const apiVersion = String(obj.apiVersion ?? '');
  const kind = String(obj.kind ?? '');
  const type = messageTypeOf(apiVersion, kind);
  if (!type) throw new Error(`cannot encode ${kind || 'object'} "${obj.metadata?.name ?? ''}" as protobuf: no schema for ${apiVersion}/${kind}`);
  return encodeEnvelope(apiVersion, kind, encodeFromJson(type, obj as unknown as Record<string, unknown>));
}
