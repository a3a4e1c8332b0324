/**
 * Decoding of DeleteOptions request bodies (delete and deletecollection) in JSON, YAML or protobuf, with every
 * malformed body answered 400.
 *
 * Mirrors k8s.io/apiserver `pkg/endpoints/handlers/delete.go`: a body may be meta.k8s.io/v1 DeleteOptions or the
 * per-group-version DeleteOptions older clients send (`v1`); anything else is refused with kube's
 * `decoded object cannot be converted to DeleteOptions`. Where kube-apiserver answers a decode failure here with
 * 500 (scope.err of a plain error), k1s answers 400 with the transformDecodeError wording.
 */
import { parse as parseYaml } from 'yaml';
import { badRequest } from '../../api/errors.js';
import type { DeleteOptions } from '../../api/types.js';
import { PROTOBUF_MEDIA_TYPE } from './codec.js';
import { decodeEnvelope } from './envelope.js';
import { decodeMessage } from './wire-codec.js';

const UNRECOGNIZED = 'the object provided is unrecognized (must be of type DeleteOptions)';

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Any group version's DeleteOptions is accepted (each registers one); another kind is refused. */
function checkKind(kind: string): void {
  if (kind !== '' && kind !== 'DeleteOptions') throw badRequest('decoded object cannot be converted to DeleteOptions');
}

/**
 * Decodes a DeleteOptions body of Content-Type `mediaType` (`application/vnd.kubernetes.protobuf`,
 * `application/yaml`; anything else is read as JSON). Returns the options in their JSON shape (apiVersion/kind
 * removed; `{}` for an empty or blank body); throws 400 BadRequest for bytes that are not a DeleteOptions object.
 */
export function decodeDeleteOptionsBody(body: Uint8Array, mediaType: string): DeleteOptions {
  if (body.length === 0) return {};
  if (mediaType === PROTOBUF_MEDIA_TYPE) {
    let env;
    try {
      env = decodeEnvelope(body);
    } catch (err) {
      throw badRequest(`${UNRECOGNIZED}: ${messageOf(err)}`);
    }
    checkKind(env.kind);
    try {
      return decodeMessage('meta.v1.DeleteOptions', env.raw) as DeleteOptions;
    } catch (err) {
      throw badRequest(`DeleteOptions in version "v1" cannot be handled as a DeleteOptions: ${messageOf(err)}`);
    }
  }
  const text = Buffer.from(body).toString('utf8');
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = mediaType === 'application/yaml' ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw badRequest(`${UNRECOGNIZED}: couldn't get version/kind; json parse error: ${messageOf(err)}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw badRequest(`${UNRECOGNIZED}: couldn't get version/kind; json parse error: expected an object`);
  const { apiVersion: _apiVersion, kind, ...options } = parsed as Record<string, unknown>;
  checkKind(typeof kind === 'string' ? kind : '');
  return options as DeleteOptions;
}
