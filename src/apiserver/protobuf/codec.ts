/**
 * Object codec for `application/vnd.kubernetes.protobuf`: turns a protobuf request body into the same JSON object
 * the JSON path parses (so validation, strict checks and storage run unchanged), and a JSON-shaped object into a
 * protobuf response body.
 *
 * Mirrors the protobuf serializer kube-apiserver negotiates for built-in kinds (apimachinery
 * `runtime/serializer/protobuf`: envelope, typeMeta defaults from the endpoint's kind) and the decode-error wording
 * of apiserver `handlers/rest.go` `transformDecodeError`. Every kind in wire-schema.gen.ts's roots is known.
 */
import { badRequest } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import type { Gvk } from '../patch-adapter.js';
import { decodeEnvelope, encodeEnvelope } from './envelope.js';
import { decodeMessage, encodeMessage } from './wire-codec.js';
import { WIRE_PACKAGES, WIRE_ROOTS } from './wire-schema.gen.js';

/** The Kubernetes protobuf media type (`runtime.ContentTypeProtobuf`). */
export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

/** meta/v1 kinds that also travel under the core `v1` group version (as registered with `metav1.AddToGroupVersion`). */
const META_KINDS = new Set(['Status', 'DeleteOptions']);

function apiVersionOf(gvk: Gvk): string {
  return gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
}

/**
 * The wire message of a top-level `apiVersion`/`kind` (`v1`/`Pod` → `core.v1.Pod`, `apps/v1`/`Deployment` →
 * `apps.v1.Deployment`, `discovery.k8s.io/v1`/`EndpointSlice` → `discovery.v1.EndpointSlice`; `v1` or
 * `meta.k8s.io/v1` with `Status` or `DeleteOptions` → `meta.v1.*`), or undefined when k1s has no protobuf form
 * for it (Table, kinds outside wire-schema.gen.ts's roots).
 */
export function messageNameOf(apiVersion: string, kind: string): string | undefined {
  let name: string | undefined;
  if (META_KINDS.has(kind) && (apiVersion === 'v1' || apiVersion === 'meta.k8s.io/v1')) name = `meta.v1.${kind}`;
  else if (Object.hasOwn(WIRE_PACKAGES, apiVersion)) name = `${WIRE_PACKAGES[apiVersion]}.${kind}`;
  return name !== undefined && WIRE_ROOTS.includes(name) ? name : undefined;
}

/** Whether bodies for `gvk` can be decoded from protobuf (false → the caller keeps its 415). */
export function supportsProtobuf(gvk: Gvk): boolean {
  return messageNameOf(apiVersionOf(gvk), gvk.kind) !== undefined;
}

/** apiserver's `summarizeData`: hex of the first 30 bytes, `<empty>` when none. */
function summarize(body: Uint8Array, max = 30): string {
  if (body.length === 0) return '<empty>';
  const hex = Buffer.from(body.subarray(0, max)).toString('hex');
  return body.length > max ? `${hex} ...` : hex;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Decodes a protobuf request body meant for `gvk` into its JSON shape: `{apiVersion, kind, metadata, ...}` with
 * the envelope's apiVersion/kind (empty ones default to `gvk`'s, as `copyKindDefaults`), which the caller then
 * checks against `gvk` as it does for JSON. When the envelope names a kind k1s has no schema for, only
 * `{apiVersion, kind}` is returned, so that check rejects it. Throws 400 BadRequest (`the object provided is
 * unrecognized (must be of type Pod): ...`, or `Pod in version "v1" cannot be handled as a Pod: ...` once the
 * envelope is read) on bad bytes; never another error.
 */
export function decodeProtobufBody(body: Uint8Array, gvk: Gvk): Record<string, unknown> {
  let env;
  try {
    env = decodeEnvelope(body);
  } catch (err) {
    throw badRequest(`the object provided is unrecognized (must be of type ${gvk.kind}): ${messageOf(err)} (${summarize(body)})`);
  }
  const apiVersion = env.apiVersion || apiVersionOf(gvk);
  const kind = env.kind || gvk.kind;
  const name = messageNameOf(apiVersion, kind);
  if (!name) return { apiVersion, kind };
  try {
    return { apiVersion, kind, ...decodeMessage(name, env.raw) };
  } catch (err) {
    const version = apiVersion.includes('/') ? (apiVersion.split('/')[1] ?? '') : apiVersion;
    throw badRequest(`${kind} in version "${version}" cannot be handled as a ${gvk.kind}: ${messageOf(err)}`);
  }
}

/**
 * Encodes an object (JSON shape, with apiVersion and kind) as a Kubernetes protobuf body: magic, Unknown envelope,
 * object message, byte for byte as kube-apiserver would. Returns undefined when k1s has no protobuf form for the
 * object's kind (the caller then answers JSON, as kube does for kinds without protobuf); throws an Error naming
 * the field when a value does not fit its field's type.
 */
export function encodeProtobufObject(obj: KubeObject | Record<string, unknown>): Buffer | undefined {
  const apiVersion = typeof obj['apiVersion'] === 'string' ? obj['apiVersion'] : '';
  const kind = typeof obj['kind'] === 'string' ? obj['kind'] : '';
  const name = messageNameOf(apiVersion, kind);
  if (!name) return undefined;
  try {
    return encodeEnvelope(apiVersion, kind, encodeMessage(name, obj as Record<string, unknown>));
  } catch (err) {
    throw new Error(`cannot encode ${kind} as protobuf: ${messageOf(err)}`, { cause: err });
  }
}
