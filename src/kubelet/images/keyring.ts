/**
 * Registry credentials from a pod's image pull secrets, matched to an image the way the kubelet's credential
 * keyring does (pkg/credentialprovider/keyring.go BasicDockerKeyring, config.go DockerConfigEntry and
 * secrets/secrets.go MakeDockerKeyring).
 */
import type { Secret } from '../../api/types.js';

/** One credential handed to CRI PullImage as its `AuthConfig` (runtime.v1 field names, camelCase). */
export interface RegistryAuth {
  username: string;
  password: string;
  /** Never filled from secrets (the kubelet leaves it empty too); kept for the CRI shape. */
  auth?: string;
  serverAddress?: string;
  identityToken?: string;
  registryToken?: string;
}

/** A docker config (`.dockercfg`, or the `auths` of `.dockerconfigjson`): registry location → entry. */
export type DockerConfig = Record<string, { username?: string; password?: string; email?: string; auth?: string }>;

/** The Secret types and data keys the kubelet reads pull credentials from (core/v1 constants). */
export const SECRET_TYPE_DOCKER_CONFIG_JSON = 'kubernetes.io/dockerconfigjson';
export const SECRET_TYPE_DOCKERCFG = 'kubernetes.io/dockercfg';
const DOCKER_CONFIG_JSON_KEY = '.dockerconfigjson';
const DOCKERCFG_KEY = '.dockercfg';

/** Docker Hub's credential key (`index.docker.io`, upstream's defaultRegistryHost) first, then its other names. */
const DEFAULT_REGISTRY_ALIASES = ['index.docker.io', 'docker.io', 'registry-1.docker.io'];

/**
 * The repository an image pulls from, fully qualified and without tag or digest (kubelet `parsers.ParseImageName`):
 * "busybox:1.36" → "docker.io/library/busybox", "127.0.0.1:5000/x/y:1" → "127.0.0.1:5000/x/y".
 */
export function imageRepository(image: string): string {
  let name = image.split('@')[0] ?? '';
  const lastSlash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > lastSlash) name = name.slice(0, colon);
  const slash = name.indexOf('/');
  const first = slash >= 0 ? name.slice(0, slash) : '';
  const hasDomain = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let domain = hasDomain ? first : 'docker.io';
  let rest = hasDomain ? name.slice(slash + 1) : name;
  if (domain === 'index.docker.io') domain = 'docker.io';
  if (domain === 'docker.io' && !rest.includes('/')) rest = `library/${rest}`;
  return `${domain}/${rest}`;
}

/** Decodes a docker config `auth` field: base64 of "user:password" (config.go decodeDockerConfigFieldAuth). */
function decodeAuthField(auth: string): { username: string; password: string } {
  const text = Buffer.from(auth, 'base64').toString('utf8');
  const i = text.indexOf(':');
  if (i < 0) throw new Error('unable to parse auth field, must be formatted as base64(username:password)');
  return { username: text.slice(0, i), password: text.slice(i + 1) };
}

/** Splits "host:port" into dot-separated host labels and the port ("" when none) (keyring.go SplitURL). */
function splitHost(hostPort: string): { labels: string[]; port: string } {
  const m = /^(.*):(\d+)$/.exec(hostPort);
  const host = m ? (m[1] ?? '') : hostPort;
  return { labels: host.split('.'), port: m ? (m[2] ?? '') : '' };
}

function parseSchemeless(location: string): { host: string; path: string } {
  const slash = location.indexOf('/');
  return slash < 0 ? { host: location, path: '' } : { host: location.slice(0, slash), path: location.slice(slash) };
}

/** A glob label match as Go's filepath.Match for one host label: `*` any run of characters, `?` one character. */
function labelMatches(glob: string, label: string): boolean {
  const re = new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(label);
}

/**
 * Whether a credential key matches an image repository (keyring.go URLsMatch): same port, same number of host
 * labels with each label glob-matching (`*.example.com`), and the key's path a prefix of the image's path.
 */
export function keyMatches(key: string, repository: string): boolean {
  const k = parseSchemeless(key);
  const r = parseSchemeless(repository);
  const kh = splitHost(k.host);
  const rh = splitHost(r.host);
  if (kh.port !== rh.port || kh.labels.length !== rh.labels.length) return false;
  if (!r.path.startsWith(k.path)) return false;
  return kh.labels.every((g, i) => labelMatches(g, rh.labels[i] ?? ''));
}

/**
 * The keyring key of a docker config location (BasicDockerKeyring.Add): scheme stripped (`https://` assumed),
 * a `/v1/` or `/v2/` path prefix dropped, host plus remaining path (none when it is "/" or empty).
 * undefined when the location cannot be parsed.
 */
export function keyringKey(location: string): string | undefined {
  const withScheme = /^https?:\/\//.test(location) ? location : `https://${location}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    return undefined;
  }
  let path = decodeURIComponent(u.pathname);
  if (path.startsWith('/v2/') || path.startsWith('/v1/')) path = path.slice(3);
  return path.length > 0 && path !== '/' ? `${u.host}${path}` : u.host;
}

/**
 * Credentials indexed by registry location; `lookup` returns every matching credential, most specific key first
 * (the index is reverse-sorted, so "quay.io/coreos" comes before "quay.io"), and falls back to Docker Hub's
 * credentials for Docker Hub images.
 */
export class DockerKeyring {
  private readonly creds = new Map<string, RegistryAuth[]>();

  /** Adds the entries of one docker config; unparsable locations are skipped. */
  add(config: DockerConfig): void {
    for (const [location, entry] of Object.entries(config)) {
      const key = keyringKey(location);
      if (key === undefined) continue;
      const list = this.creds.get(key) ?? [];
      list.push({ username: entry.username ?? '', password: entry.password ?? '' });
      this.creds.set(key, list);
    }
  }

  /** Credentials to try, in order, for an image ("busybox:1.36", "host:5000/a/b:tag"); empty when none match. */
  lookup(image: string): RegistryAuth[] {
    const repository = imageRepository(image);
    const index = [...this.creds.keys()].sort().reverse();
    const found: RegistryAuth[] = [];
    for (const key of index) if (keyMatches(key, repository)) found.push(...(this.creds.get(key) ?? []));
    if (found.length > 0 || !repository.startsWith('docker.io/')) return found;
    for (const alias of DEFAULT_REGISTRY_ALIASES) {
      const hub = this.creds.get(alias);
      if (hub) return [...hub];
    }
    return [];
  }
}

/** Parses one docker config entry map, decoding `auth` (it wins over username/password, as in config.go). */
function entries(raw: unknown, what: string): DockerConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${what}: not a JSON object`);
  const out: DockerConfig = {};
  for (const [location, value] of Object.entries(raw as Record<string, unknown>)) {
    const v = (value ?? {}) as Record<string, unknown>;
    const entry: DockerConfig[string] = {};
    if (typeof v['username'] === 'string') entry.username = v['username'];
    if (typeof v['password'] === 'string') entry.password = v['password'];
    if (typeof v['email'] === 'string') entry.email = v['email'];
    if (typeof v['auth'] === 'string' && v['auth'] !== '') Object.assign(entry, decodeAuthField(v['auth']));
    out[location] = entry;
  }
  return out;
}

/**
 * Builds the keyring of a pod's pull secrets (MakeDockerKeyring): `kubernetes.io/dockerconfigjson` Secrets
 * contribute the `auths` of `.dockerconfigjson`, `kubernetes.io/dockercfg` ones their `.dockercfg`; other
 * Secrets are ignored. Throws (message of the JSON error) on a malformed config.
 */
export function keyringFromSecrets(secrets: Secret[]): DockerKeyring {
  const keyring = new DockerKeyring();
  for (const secret of secrets) {
    const data = secret.data ?? {};
    const name = secret.metadata.name ?? '';
    const jsonB64 = data[DOCKER_CONFIG_JSON_KEY];
    const cfgB64 = data[DOCKERCFG_KEY];
    if (secret.type === SECRET_TYPE_DOCKER_CONFIG_JSON && jsonB64) {
      const doc = JSON.parse(Buffer.from(jsonB64, 'base64').toString('utf8')) as { auths?: unknown };
      keyring.add(entries(doc.auths ?? {}, `secret "${name}" ${DOCKER_CONFIG_JSON_KEY} auths`));
    } else if (secret.type === SECRET_TYPE_DOCKERCFG && cfgB64) {
      keyring.add(entries(JSON.parse(Buffer.from(cfgB64, 'base64').toString('utf8')), `secret "${name}" ${DOCKERCFG_KEY}`));
    }
  }
  return keyring;
}
