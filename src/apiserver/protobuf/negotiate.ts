/**
 * Response content negotiation for protobuf: whether a request's Accept header prefers
 * `application/vnd.kubernetes.protobuf`, and the hook that makes the API server's JSON writers answer in protobuf.
 *
 * Mirrors k8s.io/apiserver `pkg/endpoints/handlers/negotiation` (`NegotiateOutputMediaType`: media ranges ordered
 * by q-value, the first one the server can produce wins; `*\/*` and `application/*` mean JSON) and
 * `responsewriters.WriteObjectNegotiated` (objects and error Statuses in the negotiated type).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseAccept, setBodyEncoder } from '../http.js';
import { encodeProtobufObject, PROTOBUF_MEDIA_TYPE } from './codec.js';

const PRODUCIBLE = new Set(['application/json', 'application/yaml', PROTOBUF_MEDIA_TYPE, 'application/*', '*/*']);

/**
 * True when the first producible media range of `accept`, by descending q-value (ties keep their order), is
 * protobuf. client-go's `application/vnd.kubernetes.protobuf, *\/*` is; kubectl's Table and JSON Accepts are not.
 */
export function prefersProtobuf(accept: string | undefined): boolean {
  const ranges = parseAccept(accept)
    .map((m, i) => ({ m, i, q: m.params['q'] === undefined ? 1 : Number(m.params['q']) }))
    .filter((r) => PRODUCIBLE.has(r.m.type) && r.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return ranges[0]?.m.type === PROTOBUF_MEDIA_TYPE;
}

/**
 * When `req` prefers protobuf, makes every object and Status later written to `res` with sendJson/sendError go out
 * as `application/vnd.kubernetes.protobuf`; bodies without a protobuf form (Table, version info) stay JSON.
 * Called by the resource handler before it serves a request.
 */
export function negotiateProtobufResponses(req: IncomingMessage, res: ServerResponse): void {
  if (!prefersProtobuf(req.headers.accept)) return;
  setBodyEncoder(res, (body) => {
    if (typeof body !== 'object' || body === null) return undefined;
    const data = encodeProtobufObject(body as Record<string, unknown>);
    return data && { contentType: PROTOBUF_MEDIA_TYPE, data };
  });
}
