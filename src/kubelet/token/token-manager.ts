/**
 * The kubelet's ServiceAccount token manager: fetches bound tokens through the TokenRequest API
 * (serviceaccounts/<name>/token) for projected `serviceAccountToken` sources, caches them, and fetches a new one
 * once 80 % of a token's life (or 24 h) has passed; a failed refresh keeps serving a token that has not expired.
 *
 * Mirrors kubelet `pkg/kubelet/token/token_manager.go` (GetServiceAccountToken, requiresRefresh with its 10 s jitter,
 * keyFunc, DeleteServiceAccountToken on pod removal).
 */
import type { ApiClient } from '../../client/types.js';
import { RESOURCES, resourcePath } from '../../api/paths.js';

/** A pod's token of one projected source: the request the kubelet sends. */
export interface TokenRequestKey {
  namespace: string;
  serviceAccount: string;
  /** [] = the API server's audiences. */
  audiences: string[];
  expirationSeconds: number;
  pod: { name: string; uid: string };
}

interface Cached {
  token: string;
  /** status.expirationTimestamp, ms. */
  expires: number;
  /** spec.expirationSeconds of the answer. */
  ttlSeconds: number;
  podUid: string;
}

/** Refresh no later than this after issue (maxTTL). */
const MAX_TTL_MS = 24 * 3600_000;
/** Up to this much earlier, at random (maxJitter). */
const MAX_JITTER_MS = 10_000;

/** Options of {@link TokenManager}. */
export interface TokenManagerOptions {
  /** Milliseconds since the epoch; default Date.now. */
  now?: () => number;
  /** In [0, 1); default Math.random. */
  random?: () => number;
}

/** The token cache of one kubelet. */
export class TokenManager {
  private readonly cache = new Map<string, Cached>();
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(
    private readonly client: ApiClient,
    options: TokenManagerOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  private requiresRefresh(c: Cached): boolean {
    const now = this.now();
    const issued = c.expires - c.ttlSeconds * 1000;
    const jitter = Math.floor(this.random() * (MAX_JITTER_MS / 1000)) * 1000;
    if (now > issued + MAX_TTL_MS - jitter) return true;
    return now > c.expires - c.ttlSeconds * 200 - jitter;
  }

  /**
   * The token for `key`: the cached one while it is fresh, else a new one from the API server. Throws
   * `failed to fetch token: <reason>` when the API refuses and no unexpired token is cached.
   */
  async getServiceAccountToken(key: TokenRequestKey): Promise<string> {
    const k = JSON.stringify([key.serviceAccount, key.namespace, key.audiences, key.expirationSeconds, key.pod.uid]);
    const cached = this.cache.get(k);
    if (cached && !this.requiresRefresh(cached)) return cached.token;
    try {
      const res = await this.client.create<{ metadata: object; spec?: { expirationSeconds?: number }; status?: { token?: string; expirationTimestamp?: string } }>(
        resourcePath(RESOURCES.serviceaccounts, { namespace: key.namespace, name: key.serviceAccount, subresource: 'token' }),
        {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          metadata: {},
          spec: { audiences: key.audiences, expirationSeconds: key.expirationSeconds, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: key.pod.name, uid: key.pod.uid } },
        },
      );
      const token = res.status?.token ?? '';
      const expires = Date.parse(res.status?.expirationTimestamp ?? '');
      if (!token || Number.isNaN(expires)) throw new Error('the API server answered without a token');
      this.cache.set(k, { token, expires, ttlSeconds: res.spec?.expirationSeconds ?? key.expirationSeconds, podUid: key.pod.uid });
      return token;
    } catch (err) {
      if (cached && this.now() < cached.expires) return cached.token;
      throw new Error(`failed to fetch token: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Forgets the tokens of a removed pod (DeleteServiceAccountToken). */
  deleteServiceAccountToken(podUid: string): void {
    for (const [k, v] of this.cache) if (v.podUid === podUid) this.cache.delete(k);
  }
}
