/**
 * StatusError: the one error type of the API edge, carrying a full meta/v1 Status.
 *
 * Mirrors apimachinery `pkg/api/errors/errors.go`: constructors build the same code, reason and
 * message text kube-apiserver sends. Check errors by `reason` (see `isNotFound` and friends), never
 * by `instanceof`, so a Status decoded from an HTTP response behaves like one thrown locally.
 */
import type { Status, StatusCause, StatusReason } from './types.js';

/** An error whose payload is a Kubernetes Status; `status.code` is the HTTP status code. */
export class StatusError extends Error {
  readonly status: Status;

  constructor(status: Status, options?: { cause?: unknown }) {
    super(status.message ?? status.reason ?? 'unknown error', options);
    this.name = 'StatusError';
    this.status = status;
  }

  get code(): number {
    return this.status.code;
  }

  get reason(): StatusReason {
    return this.status.reason ?? '';
  }
}

/** Identifies a resource in messages: `{ group: '', resource: 'pods' }` prints as `pods`. */
export interface GroupResource {
  group: string;
  resource: string;
}

function qualified(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

function failure(code: number, reason: StatusReason, message: string, details?: Status['details']): Status {
  const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details) s.details = details;
  return s;
}

/** 404 `pods "x" not found`. */
export function notFound(gr: GroupResource, name: string): StatusError {
  return new StatusError(
    failure(404, 'NotFound', `${qualified(gr)} "${name}" not found`, { name, group: gr.group, kind: gr.resource }),
  );
}

/** 409 `pods "x" already exists`. */
export function alreadyExists(gr: GroupResource, name: string): StatusError {
  return new StatusError(
    failure(409, 'AlreadyExists', `${qualified(gr)} "${name}" already exists`, {
      name,
      group: gr.group,
      kind: gr.resource,
    }),
  );
}

/** 409 Conflict, e.g. a stale resourceVersion: `Operation cannot be fulfilled on pods "x": <why>`. */
export function conflict(gr: GroupResource, name: string, why: string): StatusError {
  return new StatusError(
    failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`, {
      name,
      group: gr.group,
      kind: gr.resource,
    }),
  );
}

/** One field error, as apimachinery `field.Error` (Type is the cause reason). */
export interface FieldError {
  /** e.g. `FieldValueRequired`, `FieldValueInvalid`, `FieldValueNotSupported`, `FieldValueDuplicate`, `FieldValueForbidden`. */
  type:
    | 'FieldValueRequired'
    | 'FieldValueInvalid'
    | 'FieldValueNotSupported'
    | 'FieldValueDuplicate'
    | 'FieldValueForbidden'
    | 'FieldValueTooLong'
    | 'FieldValueTooMany'
    | 'FieldValueNotFound'
    | 'FieldValueTypeInvalid';
  /** Field path such as `spec.containers[0].name`. */
  field: string;
  /** Full message for this field, e.g. `Required value` or `Invalid value: "x": must be ...`. */
  detail: string;
}

/** Renders a field error the way `field.Error.Error()` does: `spec.x: Required value`. */
export function formatFieldError(e: FieldError): string {
  return `${e.field}: ${e.detail}`;
}

/**
 * 422 Invalid: `Pod "x" is invalid: [a: Required value, b: Invalid value: ...]`, the kind qualified by a
 * non-empty group (`DeleteOptions.meta.k8s.io`) (apimachinery `NewInvalid`; a single error is printed
 * without brackets).
 */
export function invalid(kind: string, group: string, name: string, errs: FieldError[]): StatusError {
  const parts = errs.map(formatFieldError);
  const list = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  const causes: StatusCause[] = errs.map((e) => ({ reason: e.type, message: e.detail, field: e.field }));
  return new StatusError(
    failure(422, 'Invalid', `${group ? `${kind}.${group}` : kind} "${name}" is invalid: ${list}`, { name, group, kind, causes }),
  );
}

/** 400 BadRequest with a free-form message. */
export function badRequest(message: string): StatusError {
  return new StatusError(failure(400, 'BadRequest', message));
}

/** 401 Unauthorized. */
export function unauthorized(message = 'Unauthorized'): StatusError {
  return new StatusError(failure(401, 'Unauthorized', message));
}

/** 405 MethodNotAllowed: `the server does not allow this method on the requested resource`. */
export function methodNotSupported(): StatusError {
  return new StatusError(failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'));
}

/** 410 Gone, e.g. `too old resource version: 5 (10)`. */
export function gone(message: string): StatusError {
  return new StatusError(failure(410, 'Expired', message));
}

/**
 * 504 Timeout `Timeout: Too large resource version: N, current: M` with the ResourceVersionTooLarge cause, for a
 * read at a revision the store has not reached (apiserver `pkg/storage/errors.go` NewTooLargeResourceVersionError).
 */
export function tooLargeResourceVersion(requested: number, current: number, retryAfterSeconds = 1): StatusError {
  return new StatusError(
    failure(504, 'Timeout', `Timeout: Too large resource version: ${requested}, current: ${current}`, {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds,
    }),
  );
}

/** 413 RequestEntityTooLarge. */
export function tooLarge(message: string): StatusError {
  return new StatusError(failure(413, 'RequestEntityTooLarge', message));
}

/** 415 UnsupportedMediaType. */
export function unsupportedMediaType(contentType: string): StatusError {
  return new StatusError(failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/merge-patch+json, application/strategic-merge-patch+json, application/json-patch+json, application/apply-patch+yaml (got ${contentType})`));
}

/** 406 NotAcceptable. */
export function notAcceptable(message: string): StatusError {
  return new StatusError(failure(406, 'NotAcceptable', message));
}

/** 500 InternalError: `Internal error occurred: <msg>`. */
export function internalError(message: string, cause?: unknown): StatusError {
  return new StatusError(failure(500, 'InternalError', `Internal error occurred: ${message}`), { cause });
}

/**
 * 503 ServiceUnavailable (apimachinery `NewServiceUnavailable`); kube-aggregator answers
 * `the server is currently unable to handle the request` for an APIService whose backend is not ready.
 */
export function serviceUnavailable(message = 'the server is currently unable to handle the request'): StatusError {
  return new StatusError(failure(503, 'ServiceUnavailable', message));
}

/** 403 `namespaces "default" is forbidden: <why>` about one object (apimachinery `NewForbidden`). */
export function forbiddenResource(gr: GroupResource, name: string, why: string): StatusError {
  return new StatusError(
    failure(403, 'Forbidden', `${qualified(gr)} "${name}" is forbidden: ${why}`, { name, group: gr.group, kind: gr.resource }),
  );
}

/** 403 Forbidden with a message. */
export function forbidden(message: string): StatusError {
  return new StatusError(failure(403, 'Forbidden', message));
}

function reasonOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const s = (err as { status?: unknown }).status;
  if (typeof s === 'object' && s !== null) return (s as { reason?: string }).reason;
  return undefined;
}

/** True for a NotFound Status (thrown locally or decoded from HTTP). */
export function isNotFound(err: unknown): boolean {
  return reasonOf(err) === 'NotFound';
}

/** True for an AlreadyExists Status. */
export function isAlreadyExists(err: unknown): boolean {
  return reasonOf(err) === 'AlreadyExists';
}

/** True for a Conflict Status. */
export function isConflict(err: unknown): boolean {
  return reasonOf(err) === 'Conflict';
}

/** True for an Expired/Gone Status. */
export function isGone(err: unknown): boolean {
  const r = reasonOf(err);
  return r === 'Expired' || r === 'Gone';
}

/** True when `err` carries a Status (`{ status: { kind: 'Status' ... } }`). */
export function isStatusError(err: unknown): err is StatusError {
  return reasonOf(err) !== undefined;
}

/** The reason of an HTTP status code in a Status synthesized from a bare answer (`NewGenericServerResponse`). */
const REASONS: Record<number, StatusReason> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Expired',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/**
 * The StatusError of an HTTP error answer whose body is text (a kubelet's, a proxied backend's): the reason of
 * `code`, the body (trimmed) as message, or when it is empty `the server responded with the status code N but
 * did not return more information` (apimachinery `NewGenericServerResponse`).
 */
export function statusErrorFromText(code: number, body: string): StatusError {
  const reason = REASONS[code] ?? 'InternalError';
  const message = body.trim() || `the server responded with the status code ${code} but did not return more information`;
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason, message });
}

/**
 * The StatusError of a failed API response: the Status body when the server sent one, otherwise
 * {@link statusErrorFromText} (client-go `newUnstructuredResponseError`). Used by every API client here.
 */
export function statusErrorFromResponse(code: number, body: string): StatusError {
  try {
    const parsed = JSON.parse(body) as Partial<Status>;
    if (parsed && parsed.kind === 'Status') {
      return new StatusError({ metadata: {}, status: 'Failure', ...parsed, code: parsed.code ?? code } as Status);
    }
  } catch {
    // not JSON: fall through to a synthesized Status
  }
  return statusErrorFromText(code, body);
}
