/**
 * Renders the REST paths of resources as OpenAPI v3 `paths`, shaped like kube-apiserver's /openapi/v3 documents.
 *
 * What matters to kubectl (cli-runtime `query_param_verifier_v3.go`, kubectl `apply/patcher.go`): every PATCH
 * operation carries `x-kubernetes-action: patch` and `x-kubernetes-group-version-kind`, lists the query
 * parameters `dryRun`, `fieldManager`, `fieldValidation`, `force`, and offers
 * `application/strategic-merge-patch+json` as a request body type.
 */
import { groupVersionPath } from '../../api/paths.js';
import type { ResourceInfo } from '../../registry/strategy.js';
import type { Json } from './components.js';
import { ref } from './components.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

function queryParam(name: string, description: string, type: 'string' | 'boolean' | 'integer'): Json {
  return { description, in: 'query', name, schema: { type, uniqueItems: true } };
}

const P = {
  pretty: queryParam('pretty', "If 'true', then the output is pretty printed.", 'string'),
  dryRun: queryParam('dryRun', 'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed', 'string'),
  fieldManager: queryParam('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.', 'string'),
  fieldValidation: queryParam('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict', 'string'),
  force: queryParam('force', 'Force is going to "force" Apply requests. It must be unset for non-apply patch requests.', 'boolean'),
  gracePeriodSeconds: queryParam('gracePeriodSeconds', 'The duration in seconds before the object should be deleted.', 'integer'),
  propagationPolicy: queryParam('propagationPolicy', "Whether and how garbage collection will be performed: 'Orphan', 'Background' or 'Foreground'.", 'string'),
  name: (kind: string): Json => ({ description: `name of the ${kind}`, in: 'path', name: 'name', required: true, schema: { type: 'string', uniqueItems: true } }),
  namespace: { description: 'object name and auth scope, such as for teams and projects', in: 'path', name: 'namespace', required: true, schema: { type: 'string', uniqueItems: true } } as Json,
  list: [
    queryParam('allowWatchBookmarks', 'allowWatchBookmarks requests watch events with type "BOOKMARK".', 'boolean'),
    queryParam('continue', 'The continue option should be set when retrieving more results from the server.', 'string'),
    queryParam('fieldSelector', 'A selector to restrict the list of returned objects by their fields. Defaults to everything.', 'string'),
    queryParam('labelSelector', 'A selector to restrict the list of returned objects by their labels. Defaults to everything.', 'string'),
    queryParam('limit', 'limit is a maximum number of responses to return for a list call.', 'integer'),
    queryParam('resourceVersion', 'resourceVersion sets a constraint on what resource versions a request may be served from.', 'string'),
    queryParam('resourceVersionMatch', 'resourceVersionMatch determines how resourceVersion is applied to list calls.', 'string'),
    queryParam('timeoutSeconds', 'Timeout for the list/watch call.', 'integer'),
    queryParam('watch', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.', 'boolean'),
  ],
};

function content(schemaName: string, types: string[]): Json {
  return Object.fromEntries(types.map((t) => [t, { schema: ref(schemaName) }]));
}

function ok(schemaName: string, extra: Record<string, string> = {}): Json {
  const responses: Json = { '200': { content: content(schemaName, ['application/json', 'application/yaml']), description: 'OK' } };
  for (const [code, description] of Object.entries(extra)) {
    responses[code] = { content: content(schemaName, ['application/json', 'application/yaml']), description };
  }
  responses['401'] = { description: 'Unauthorized' };
  return responses;
}

/** `Core`, `Apps`, `Coordination` — the group part of upstream operation ids. */
function groupWord(group: string): string {
  if (!group) return 'Core';
  return group
    .split('.')[0]!
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

interface Ctx {
  r: ResourceInfo;
  kindSchema: string;
  tag: string;
  idPart: string;
  gvk: Json;
}

function op(c: Ctx, verb: string, action: string, description: string, extra: Json): Json {
  return {
    description,
    operationId: `${verb}${c.idPart}`,
    ...extra,
    tags: [c.tag],
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': c.gvk,
  };
}

function patchOp(c: Ctx, what: string, schemaName: string, id: string): Json {
  const body = content(`${META}.Patch`, [
    'application/apply-patch+yaml',
    'application/json-patch+json',
    'application/merge-patch+json',
    'application/strategic-merge-patch+json',
  ]);
  return op({ ...c, idPart: id }, 'patch', 'patch', `partially update ${what}`, {
    parameters: [P.dryRun, P.fieldManager, P.fieldValidation, P.force],
    requestBody: { content: body, required: true },
    responses: ok(schemaName, { '201': 'Created' }),
  });
}

function putOp(c: Ctx, what: string, schemaName: string, id: string): Json {
  return op({ ...c, idPart: id }, 'replace', 'put', `replace ${what}`, {
    parameters: [P.dryRun, P.fieldManager, P.fieldValidation],
    requestBody: { content: content(schemaName, ['*/*']), required: true },
    responses: ok(schemaName, { '201': 'Created' }),
  });
}

/**
 * OpenAPI `paths` for the resources of one group/version. `schemaNameOf(kind)` names the component of a
 * kind (e.g. `io.k8s.api.core.v1.Pod`); list kinds are `<Kind>List`.
 */
export function buildPaths(resources: ResourceInfo[], schemaNameOf: (kind: string) => string): Record<string, Json> {
  const paths: Record<string, Json> = {};
  for (const r of resources) {
    if (r.resource.includes('/')) continue;
    const prefix = groupVersionPath(r.group, r.version);
    const ns = r.namespaced ? '/namespaces/{namespace}' : '';
    const nsWord = r.namespaced ? 'Namespaced' : '';
    const c: Ctx = {
      r,
      kindSchema: schemaNameOf(r.kind),
      tag: `${groupWord(r.group).toLowerCase()}_${r.version}`,
      idPart: `${groupWord(r.group)}${cap(r.version)}${nsWord}${r.kind}`,
      gvk: { group: r.group, kind: r.kind, version: r.version },
    };
    const listSchema = schemaNameOf(`${r.kind}List`);
    const has = (v: string): boolean => r.verbs.includes(v);
    const shared = r.namespaced ? [P.namespace, P.pretty] : [P.pretty];
    const collection: Json = { parameters: shared };
    if (has('list')) {
      collection['get'] = op(c, 'list', 'list', `list or watch objects of kind ${r.kind}`, {
        parameters: P.list,
        responses: ok(listSchema),
      });
    }
    if (has('create')) {
      collection['post'] = op(c, 'create', 'post', `create a ${r.kind}`, {
        parameters: [P.dryRun, P.fieldManager, P.fieldValidation],
        requestBody: { content: content(c.kindSchema, ['*/*']), required: true },
        responses: ok(c.kindSchema, { '201': 'Created', '202': 'Accepted' }),
      });
    }
    if (has('deletecollection')) {
      collection['delete'] = op({ ...c, idPart: `${groupWord(r.group)}${cap(r.version)}Collection${nsWord}${r.kind}` }, 'delete', 'deletecollection', `delete collection of ${r.kind}`, {
        parameters: [...P.list, P.dryRun, P.gracePeriodSeconds, P.propagationPolicy],
        responses: ok(`${META}.Status`),
      });
    }
    paths[`${prefix}${ns}/${r.resource}`] = collection;
    if (r.namespaced && has('list')) {
      paths[`${prefix}/${r.resource}`] = {
        get: op({ ...c, idPart: `${groupWord(r.group)}${cap(r.version)}${r.kind}ForAllNamespaces` }, 'list', 'list', `list or watch objects of kind ${r.kind}`, {
          parameters: P.list,
          responses: ok(listSchema),
        }),
        parameters: [P.pretty],
      };
    }
    const item: Json = { parameters: [P.name(r.kind), ...shared] };
    const what = `the specified ${r.kind}`;
    if (has('get')) item['get'] = op(c, 'read', 'get', `read ${what}`, { responses: ok(c.kindSchema) });
    if (has('update')) item['put'] = putOp(c, what, c.kindSchema, c.idPart);
    if (has('patch')) item['patch'] = patchOp(c, what, c.kindSchema, c.idPart);
    if (has('delete')) {
      item['delete'] = op(c, 'delete', 'delete', `delete a ${r.kind}`, {
        parameters: [P.dryRun, P.gracePeriodSeconds, P.propagationPolicy],
        responses: ok(`${META}.Status`, { '202': 'Accepted' }),
      });
    }
    paths[`${prefix}${ns}/${r.resource}/{name}`] = item;
    for (const sub of r.subresources) {
      const subPath: Json = { parameters: [P.name(r.kind), ...shared] };
      const id = `${c.idPart}${cap(sub)}`;
      if (sub === 'status' || sub === 'ephemeralcontainers') {
        const subWhat = `${sub} of the specified ${r.kind}`;
        subPath['get'] = op({ ...c, idPart: id }, 'read', 'get', `read ${subWhat}`, { responses: ok(c.kindSchema) });
        subPath['put'] = putOp(c, subWhat, c.kindSchema, id);
        subPath['patch'] = patchOp(c, subWhat, c.kindSchema, id);
      } else if (sub === 'scale') {
        // The scale subresource speaks autoscaling/v1 Scale, as kube-apiserver's ScaleREST does.
        const scale = schemaNameOf('Scale');
        const sc: Ctx = { ...c, gvk: { group: 'autoscaling', kind: 'Scale', version: 'v1' } };
        const subWhat = `scale of the specified ${r.kind}`;
        subPath['get'] = op({ ...sc, idPart: id }, 'read', 'get', `read ${subWhat}`, { responses: ok(scale) });
        subPath['put'] = putOp(sc, subWhat, scale, id);
        subPath['patch'] = patchOp(sc, subWhat, scale, id);
      } else if (sub === 'binding' || sub === 'token') {
        const [kindName, gvk, what] =
          sub === 'binding'
            ? ['Binding', { group: '', kind: 'Binding', version: 'v1' }, 'binding']
            : ['TokenRequest', { group: 'authentication.k8s.io', kind: 'TokenRequest', version: 'v1' }, 'token'];
        const schema = schemaNameOf(kindName);
        subPath['post'] = op({ ...c, idPart: id, gvk }, 'create', 'post', `create ${what} of a ${r.kind}`, {
          parameters: [P.dryRun, P.fieldManager, P.fieldValidation],
          requestBody: { content: content(schema, ['*/*']), required: true },
          responses: ok(schema, { '201': 'Created', '202': 'Accepted' }),
        });
      } else if (sub === 'log') {
        subPath['get'] = op({ ...c, idPart: id }, 'read', 'get', `read log of the specified ${r.kind}`, {
          parameters: ['container', 'follow', 'limitBytes', 'previous', 'sinceSeconds', 'sinceTime', 'tailLines', 'timestamps'].map((n) =>
            queryParam(n, `${n} option of the log request`, ['follow', 'previous', 'timestamps'].includes(n) ? 'boolean' : n === 'container' || n === 'sinceTime' ? 'string' : 'integer'),
          ),
          responses: { '200': { content: { 'text/plain': { schema: { type: 'string' } } }, description: 'OK' }, '401': { description: 'Unauthorized' } },
        });
      } else {
        // exec, attach, portforward, proxy: connect operations (streams), as upstream declares them.
        const connect = { responses: { '200': { content: { '*/*': { schema: { type: 'string' } } }, description: 'OK' }, '401': { description: 'Unauthorized' } } };
        subPath['get'] = op({ ...c, idPart: `${groupWord(r.group)}${cap(r.version)}Get${nsWord}${r.kind}${cap(sub)}` }, 'connect', 'connect', `connect GET requests to ${sub} of ${r.kind}`, connect);
        subPath['post'] = op({ ...c, idPart: `${groupWord(r.group)}${cap(r.version)}Post${nsWord}${r.kind}${cap(sub)}` }, 'connect', 'connect', `connect POST requests to ${sub} of ${r.kind}`, connect);
      }
      paths[`${prefix}${ns}/${r.resource}/{name}/${sub}`] = subPath;
    }
  }
  return Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)));
}
