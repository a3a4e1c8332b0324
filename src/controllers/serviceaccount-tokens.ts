/**
 * The tokens controller: fills ServiceAccount token Secrets (`kubernetes.io/service-account-token`) with a legacy
 * token, the namespace and the cluster CA, deletes them when their ServiceAccount goes, drops a deleted one from its
 * ServiceAccount's `secrets`, and (only with auto-generation on) gives every ServiceAccount a token Secret of its own.
 *
 * Mirrors kube-controller-manager's `serviceaccount-token-controller` (`pkg/controller/serviceaccount/
 * tokens_controller.go`: ensureReferencedToken, generateTokenIfNeeded, deleteTokens, removeSecretReference). Filling
 * and cleaning up Secrets people create is upstream's behaviour in every version; creating one per ServiceAccount
 * stopped in 1.24 and is what `LegacyServiceAccountTokenNoAutoGeneration=false` brought back (1.24–1.28). An API
 * client: it watches ServiceAccounts and token Secrets and writes through the API.
 */
import { isAlreadyExists, isConflict, isNotFound, type StatusError } from '../api/errors.js';
import type { KubeObject, ObjectReference, Secret } from '../api/types.js';
import { runInformer } from '../client/informer.js';
import type { ApiClient } from '../client/types.js';
import { createWorkQueue } from './workqueue.js';
import { resourcePath, RESOURCES } from '../api/paths.js';

/** The Secret type of ServiceAccount tokens (v1.SecretTypeServiceAccountToken). */
export const SERVICE_ACCOUNT_TOKEN_TYPE = 'kubernetes.io/service-account-token';
/** Annotations naming a token Secret's ServiceAccount (v1.ServiceAccountNameKey, v1.ServiceAccountUIDKey). */
export const SERVICE_ACCOUNT_NAME_KEY = 'kubernetes.io/service-account.name';
export const SERVICE_ACCOUNT_UID_KEY = 'kubernetes.io/service-account.uid';

/** core/v1 ServiceAccount, as far as this controller reads it. */
export interface ServiceAccount extends KubeObject {
  secrets?: ObjectReference[] | null;
}

/** What a legacy token is made of: the ServiceAccount it names and the Secret that holds it (serviceaccount.LegacyClaims). */
export interface LegacyTokenInput {
  namespace: string;
  serviceAccount: { name: string; uid: string };
  secretName: string;
}

/** Options of {@link startTokensController}. */
export interface TokensControllerOptions {
  client: ApiClient;
  /** Signs a legacy token (kube-controller-manager's `--service-account-private-key-file`); may throw. */
  generateToken(input: LegacyTokenInput): string;
  /** The CA bundle (PEM) put in each token Secret's `ca.crt` (`--root-ca-file`). */
  rootCA: string;
  /**
   * Give each ServiceAccount a token Secret listed in its `secrets` (LegacyServiceAccountTokenNoAutoGeneration=false).
   * Default false, as Kubernetes since 1.24.
   */
  autoGenerate?: boolean;
  onError?: (err: unknown) => void;
  /** Wait before retrying a failed key, ms (default 1000). */
  retryDelayMs?: number;
  /** The 5 random characters of a new Secret's name (default: generateName's alphabet, at random). */
  randomSuffix?: () => string;
}

/** A running controller. */
export interface TokensController {
  stop(): Promise<void>;
}

/** apiserver's SimpleNameGenerator alphabet (no vowels, no look-alikes) and limits. */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
const MAX_GENERATED_BASE = 63 - 5;

function randomSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += ALPHANUMS[Math.floor(Math.random() * ALPHANUMS.length)];
  return s;
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (s: string | undefined): string => (s ? Buffer.from(s, 'base64').toString('utf8') : '');

/** True when `secret` is a token Secret of `sa`: the type, the name annotation and the uid annotation if set (serviceaccount.IsServiceAccountToken). */
export function isServiceAccountToken(secret: Secret, sa: ServiceAccount): boolean {
  if (secret.type !== SERVICE_ACCOUNT_TOKEN_TYPE || secret.metadata.namespace !== sa.metadata.namespace) return false;
  const a = secret.metadata.annotations ?? {};
  if (a[SERVICE_ACCOUNT_NAME_KEY] !== sa.metadata.name) return false;
  const uid = a[SERVICE_ACCOUNT_UID_KEY];
  return !uid || uid === sa.metadata.uid;
}

/** Which of `ca.crt`, `namespace` and `token` a token Secret lacks (secretUpdateNeeded). */
export function secretUpdateNeeded(secret: Secret, rootCA: string): { ca: boolean; namespace: boolean; token: boolean } {
  const data = secret.data ?? {};
  return { ca: rootCA !== '' && unb64(data['ca.crt']) !== rootCA, namespace: !data['namespace'], token: !data['token'] };
}

const keyOf = (ns: string, name: string): string => `${ns}/${name}`;
const splitKey = (key: string): [string, string] => {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
};

/** Starts the controller: informers on ServiceAccounts and token Secrets, one serial queue of `sa:NS/NAME` and `secret:NS/NAME` keys. */
export function startTokensController(options: TokensControllerOptions): TokensController {
  const { client, rootCA } = options;
  const onError = options.onError ?? (() => {});
  const suffix = options.randomSuffix ?? randomSuffix;
  const abort = new AbortController();
  const accounts = new Map<string, ServiceAccount>();
  const secrets = new Map<string, Secret>();
  /** Deleted token Secrets still to be dropped from their ServiceAccount's `secrets`, by ServiceAccount key. */
  const removedRefs = new Map<string, Map<string, string>>();
  const synced = { accounts: false, secrets: false };
  const saPath = (ns: string, name?: string): string => resourcePath(RESOURCES.serviceaccounts, { namespace: ns, name });
  const secretPath = (ns: string, name?: string): string => resourcePath(RESOURCES.secrets, { namespace: ns, name });

  const tokensOf = (sa: ServiceAccount): Secret[] => [...secrets.values()].filter((s) => isServiceAccountToken(s, sa));

  /** Deletes a token Secret with a uid precondition; NotFound and Conflict (someone else's object now) are done. */
  const deleteToken = async (s: Secret): Promise<void> => {
    try {
      await client.delete(secretPath(s.metadata.namespace ?? '', s.metadata.name ?? ''), s.metadata.uid ? { preconditions: { uid: s.metadata.uid } } : undefined);
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  };

  /** The ServiceAccount `name` (with `uid` when given), from the cache or else the API; undefined when there is none. */
  const serviceAccountOf = async (ns: string, name: string, uid: string): Promise<ServiceAccount | undefined> => {
    const cached = accounts.get(keyOf(ns, name));
    if (cached && (!uid || cached.metadata.uid === uid)) return cached;
    try {
      const live = await client.get<ServiceAccount>(saPath(ns, name));
      return !uid || live.metadata.uid === uid ? live : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };

  /** Removes the deleted token Secrets `names` from the live ServiceAccount's `secrets` (removeSecretReference). */
  const removeReferences = async (key: string, refs: Map<string, string>): Promise<void> => {
    const [ns, name] = splitKey(key);
    let live: ServiceAccount;
    try {
      live = await client.get<ServiceAccount>(saPath(ns, name));
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    const kept = (live.secrets ?? []).filter((r) => {
      const wantedUid = refs.get(r.name ?? '');
      return wantedUid === undefined || (wantedUid !== '' && wantedUid !== live.metadata.uid);
    });
    if (kept.length === (live.secrets ?? []).length) return;
    try {
      await client.update(saPath(ns, name), { ...live, secrets: kept });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  };

  /** Makes sure `sa` lists a token Secret of its own, creating one when it does not (ensureReferencedToken). */
  const ensureReferencedToken = async (sa: ServiceAccount): Promise<boolean> => {
    const ns = sa.metadata.namespace ?? '';
    const name = sa.metadata.name ?? '';
    const referenced = new Set((sa.secrets ?? []).map((r) => r.name));
    if (tokensOf(sa).some((s) => referenced.has(s.metadata.name))) return true;
    let live: ServiceAccount;
    try {
      live = await client.get<ServiceAccount>(saPath(ns, name));
    } catch (err) {
      if (isNotFound(err)) return true;
      throw err;
    }
    // Our copy is behind: its update event brings the key back.
    if (live.metadata.resourceVersion !== sa.metadata.resourceVersion) return true;
    const secretName = `${name}-token-`.slice(0, MAX_GENERATED_BASE) + suffix();
    const uid = sa.metadata.uid ?? '';
    const secret: Secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: secretName, namespace: ns, annotations: { [SERVICE_ACCOUNT_NAME_KEY]: name, [SERVICE_ACCOUNT_UID_KEY]: uid } },
      type: SERVICE_ACCOUNT_TOKEN_TYPE,
      data: {
        token: b64(options.generateToken({ namespace: ns, serviceAccount: { name, uid }, secretName })),
        namespace: b64(ns),
        ...(rootCA ? { 'ca.crt': b64(rootCA) } : {}),
      },
    };
    let created: Secret;
    try {
      created = await client.create<Secret>(secretPath(ns), secret);
    } catch (err) {
      if (isAlreadyExists(err)) return false; // the random name was taken: try another
      if (isNotFound(err) || (err as StatusError).reason === 'Forbidden') return true; // namespace gone or terminating
      throw err;
    }
    // Known before its event arrives, so the ServiceAccount's update below finds it referenced.
    secrets.set(keyOf(ns, secretName), created);
    try {
      await client.update(saPath(ns, name), { ...live, secrets: [...(live.secrets ?? []), { name: secretName }] });
    } catch (err) {
      // Unusable: clean it up. A Conflict or NotFound brings an event (or there is no ServiceAccount any more).
      await deleteToken(created).catch(onError);
      if (isConflict(err) || isNotFound(err)) return true;
      throw err;
    }
    return true;
  };

  const syncServiceAccount = async (key: string): Promise<boolean> => {
    const [ns, name] = splitKey(key);
    const sa = accounts.get(key);
    if (!sa) {
      // Gone: so are its tokens (deleteTokens).
      for (const s of [...secrets.values()]) {
        if (s.type === SERVICE_ACCOUNT_TOKEN_TYPE && s.metadata.namespace === ns && s.metadata.annotations?.[SERVICE_ACCOUNT_NAME_KEY] === name) await deleteToken(s);
      }
      removedRefs.delete(key);
      return true;
    }
    const refs = removedRefs.get(key);
    if (refs) {
      await removeReferences(key, refs);
      removedRefs.delete(key);
      return true; // the ServiceAccount's update event brings the key back
    }
    return options.autoGenerate ? ensureReferencedToken(sa) : true;
  };

  /** Deletes a token Secret whose ServiceAccount is gone, else fills what it lacks (generateTokenIfNeeded). */
  const syncSecret = async (key: string): Promise<boolean> => {
    const cached = secrets.get(key);
    if (!cached) return true;
    const ns = cached.metadata.namespace ?? '';
    const annotations = cached.metadata.annotations ?? {};
    const saName = annotations[SERVICE_ACCOUNT_NAME_KEY] ?? '';
    if (!saName) return true;
    const sa = await serviceAccountOf(ns, saName, annotations[SERVICE_ACCOUNT_UID_KEY] ?? '');
    if (!sa) {
      await deleteToken(cached);
      return true;
    }
    const need = secretUpdateNeeded(cached, rootCA);
    if (!need.ca && !need.namespace && !need.token) return true;
    let live: Secret;
    try {
      live = await client.get<Secret>(secretPath(ns, cached.metadata.name ?? ''));
    } catch (err) {
      if (isNotFound(err)) return true;
      throw err;
    }
    if (live.metadata.resourceVersion !== cached.metadata.resourceVersion) return true;
    const now = secretUpdateNeeded(live, rootCA);
    const data = { ...(live.data ?? {}) };
    if (now.ca) data['ca.crt'] = b64(rootCA);
    if (now.namespace) data['namespace'] = b64(ns);
    if (now.token) data['token'] = b64(options.generateToken({ namespace: ns, serviceAccount: { name: sa.metadata.name ?? '', uid: sa.metadata.uid ?? '' }, secretName: live.metadata.name ?? '' }));
    const metadata = { ...live.metadata, annotations: { ...(live.metadata.annotations ?? {}), [SERVICE_ACCOUNT_NAME_KEY]: sa.metadata.name ?? '', [SERVICE_ACCOUNT_UID_KEY]: sa.metadata.uid ?? '' } };
    try {
      await client.update(secretPath(ns, live.metadata.name ?? ''), { ...live, metadata, data });
    } catch (err) {
      if (!isConflict(err) && !isNotFound(err)) throw err;
    }
    return true;
  };

  const queue = createWorkQueue({
    sync: async (key) => {
      if (!synced.accounts || !synced.secrets) return false;
      if (key.startsWith('sa:')) return syncServiceAccount(key.slice(3));
      return syncSecret(key.slice(7));
    },
    retryDelayMs: options.retryDelayMs ?? 1000,
    onError,
  });

  const saInformer = runInformer<ServiceAccount>({
    client,
    path: resourcePath(RESOURCES.serviceaccounts),
    signal: abort.signal,
    handlers: {
      onEvent(type, sa) {
        const ns = sa.metadata.namespace ?? '';
        const name = sa.metadata.name ?? '';
        const key = keyOf(ns, name);
        if (type === 'DELETED') {
          if (accounts.get(key)?.metadata.uid === sa.metadata.uid) accounts.delete(key);
          // Its tokens go; a re-created namesake's are told apart by their uid annotation.
          for (const [k, s] of secrets) if (s.metadata.namespace === ns && s.metadata.annotations?.[SERVICE_ACCOUNT_NAME_KEY] === name) queue.add(`secret:${k}`);
        } else accounts.set(key, sa);
        queue.add(`sa:${key}`);
      },
      onSynced() {
        synced.accounts = true;
      },
      onError,
    },
  });
  const secretInformer = runInformer<Secret>({
    client,
    path: resourcePath(RESOURCES.secrets),
    query: { fieldSelector: `type=${SERVICE_ACCOUNT_TOKEN_TYPE}` },
    signal: abort.signal,
    handlers: {
      onEvent(type, s) {
        const ns = s.metadata.namespace ?? '';
        const key = keyOf(ns, s.metadata.name ?? '');
        const annotations = s.metadata.annotations ?? {};
        if (type === 'DELETED') {
          secrets.delete(key);
          const saName = annotations[SERVICE_ACCOUNT_NAME_KEY];
          if (saName) {
            const saKey = keyOf(ns, saName);
            const refs = removedRefs.get(saKey) ?? new Map<string, string>();
            refs.set(s.metadata.name ?? '', annotations[SERVICE_ACCOUNT_UID_KEY] ?? '');
            removedRefs.set(saKey, refs);
            queue.add(`sa:${saKey}`);
          }
          return;
        }
        secrets.set(key, s);
        queue.add(`secret:${key}`);
      },
      onSynced() {
        synced.secrets = true;
      },
      onError,
    },
  });

  return {
    async stop() {
      abort.abort();
      await Promise.all([saInformer.done, secretInformer.done, queue.shutDown()]);
    },
  };
}
