/**
 * Protobuf watch streams: the `application/vnd.kubernetes.protobuf;stream=watch` content type and one frame per
 * event.
 *
 * Mirrors kube-apiserver's watch encoding (apiserver `handlers/watch.go`): the outer `meta.v1.WatchEvent` goes
 * through the raw protobuf serializer (no magic, no envelope) of `protobuf.LengthDelimitedFramer` (a 4-byte
 * big-endian length, apimachinery `util/framer`), and its `object` RawExtension holds the object encoded by the
 * embedded serializer: magic + runtime.Unknown envelope + message.
 */
import protobuf from 'protobufjs';
import { encodeProtobufObject, PROTOBUF_MEDIA_TYPE } from './codec.js';

/** Content-Type of a protobuf watch response. */
export const PROTOBUF_WATCH_CONTENT_TYPE = `${PROTOBUF_MEDIA_TYPE};stream=watch`;

/**
 * One watch frame: length prefix + WatchEvent{type, object: {raw: envelope of `object`}}. `object` must carry
 * apiVersion and kind of a kind with a protobuf form (served kinds, Status); throws an Error otherwise.
 */
export function encodeWatchFrame(type: string, object: Record<string, unknown>): Buffer {
  const raw = encodeProtobufObject(object);
  if (!raw) throw new Error(`cannot encode ${String(object['kind'])} watch event as protobuf: no protobuf form for ${String(object['apiVersion'])}/${String(object['kind'])}`);
  const w = protobuf.Writer.create();
  w.uint32(10).string(type);
  w.uint32(18).fork().uint32(10).bytes(raw).ldelim();
  const event = w.finish();
  const frame = Buffer.alloc(4 + event.length);
  frame.writeUInt32BE(event.length, 0);
  frame.set(event, 4);
  return frame;
}

/** A decoded frame's event: its type and the still-enveloped object bytes. */
export interface WatchFrame {
  type: string;
  object: Uint8Array;
}

/**
 * Splits a protobuf watch stream into complete events, returning them and the unconsumed tail (a partial frame).
 * The inverse of encodeWatchFrame, for clients and tests (client-go `streaming.NewDecoder` over the framer).
 */
export function readWatchFrames(data: Uint8Array): { events: WatchFrame[]; rest: Uint8Array } {
  const events: WatchFrame[] = [];
  let pos = 0;
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  while (pos + 4 <= view.length) {
    const len = view.readUInt32BE(pos);
    if (pos + 4 + len > view.length) break;
    const r = protobuf.Reader.create(view.subarray(pos + 4, pos + 4 + len));
    let type = '';
    let object: Uint8Array = new Uint8Array(0);
    while (r.pos < r.len) {
      const tag = r.uint32();
      if (tag === 10) type = r.string();
      else if (tag === 18) {
        const ext = protobuf.Reader.create(r.bytes());
        while (ext.pos < ext.len) {
          const t = ext.uint32();
          if (t === 10) object = ext.bytes();
          else ext.skipType(t & 7);
        }
      } else r.skipType(tag & 7);
    }
    events.push({ type, object });
    pos += 4 + len;
  }
  return { events, rest: view.subarray(pos) };
}
