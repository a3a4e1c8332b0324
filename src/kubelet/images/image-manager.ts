// Ensures a container's image is present per imagePullPolicy, with pull back-off and the pod's pull secrets
// (pkg/kubelet/images/image_manager.go, kuberuntime_image.go PullImage).

import type { Container, Pod, Secret } from '../../api/types.js';
import type { AuthConfig, ImageService, PodSandboxConfig } from '../../cri/types.js';
import { containerFieldPath, type EventRecorder } from '../events/recorder.js';
import { Backoff } from '../container/backoff.js';
import type { Clock } from '../../api/clock.js';
import { keyringFromSecrets } from './keyring.js';

/** Where the image manager reads a pod's image pull Secrets (the kubelet's ObjectSource satisfies it). */
export interface PullSecretSource {
  /** undefined when the Secret does not exist. */
  getSecret(namespace: string, name: string): Promise<Secret | undefined>;
}

/** A failed image step: `reason` becomes the container's waiting reason (ErrImagePull, ImagePullBackOff...). */
export class ImageError extends Error {
  constructor(
    readonly reason: 'ErrImagePull' | 'ImagePullBackOff' | 'ErrImageNeverPull' | 'InvalidImageName' | 'ImageInspectError',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ImageError';
  }
}

/** Adds `:latest` when the reference has neither tag nor digest (`applyDefaultImageTag`). */
export function applyDefaultImageTag(image: string): string {
  if (image.includes('@')) return image;
  const lastSlash = image.lastIndexOf('/');
  return image.slice(lastSlash + 1).includes(':') ? image : `${image}:latest`;
}

function errText(err: unknown): string {
  const e = err as { details?: string; message?: string };
  return e.details || e.message || String(err);
}

/** Go-style duration with ms precision: `1.532s`, `250ms`, `1m2.5s`. */
function pullDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${Number(s.toFixed(3))}s`;
  return `${Math.floor(s / 60)}m${Number((s % 60).toFixed(3))}s`;
}

/**
 * Pulls or checks images like the kubelet's image manager: `IfNotPresent` (default unless the tag is `latest`
 * or absent, then `Always`) uses a present image, `Never` fails with ErrImageNeverPull when absent, `Always`
 * pulls. Failures open a per-(pod, image) back-off (10 s doubling to 300 s) during which ImagePullBackOff is
 * returned. Emits Pulling/Pulled/Failed/BackOff/ErrImageNeverPull events with upstream's messages. Pulls use
 * the matching credentials of the pod's imagePullSecrets read through `secrets` (none when it is absent).
 */
export class ImageManager {
  private readonly backoff: Backoff;
  private readonly lastError = new Map<string, string>();

  constructor(
    private readonly images: ImageService,
    private readonly recorder: EventRecorder,
    private readonly clock: Clock,
    private readonly secrets?: PullSecretSource,
  ) {
    this.backoff = new Backoff(clock);
  }

  /**
   * The pod's imagePullSecrets that could be read (kubelet `getPullSecretsForPod`): a missing or unreadable
   * Secret is skipped with a FailedToRetrieveImagePullSecret warning event, as upstream does.
   */
  private async pullSecrets(pod: Pod): Promise<Secret[]> {
    const refs = (pod.spec?.imagePullSecrets ?? []).map((r) => r.name ?? '').filter((n) => n !== '');
    if (!this.secrets || refs.length === 0) return [];
    const found: Secret[] = [];
    const missing: string[] = [];
    for (const name of refs) {
      const secret = await this.secrets.getSecret(pod.metadata.namespace ?? 'default', name).catch(() => undefined);
      if (secret) found.push(secret);
      else missing.push(name);
    }
    if (missing.length) {
      this.recorder.event(pod, 'Warning', 'FailedToRetrieveImagePullSecret', `Unable to retrieve some image pull secrets (${missing.join(', ')}); attempting to pull the image may not succeed.`);
    }
    return found;
  }

  /**
   * Pulls with each credential of the pod's pull secrets that matches the image, in keyring order, until one
   * works (kuberuntime_image.go PullImage); without a matching credential pulls once with no auth. Throws the
   * only error, or `[e1, e2]` for several (utilerrors.NewAggregate).
   */
  private async pull(pod: Pod, image: string, sandboxConfig: PodSandboxConfig | undefined): Promise<string> {
    const creds = keyringFromSecrets(await this.pullSecrets(pod)).lookup(image);
    if (creds.length === 0) return this.images.pullImage(image, sandboxConfig);
    const errors: unknown[] = [];
    for (const c of creds) {
      const auth: AuthConfig = { username: c.username, password: c.password };
      try {
        return await this.images.pullImage(image, sandboxConfig, auth);
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length === 1) throw errors[0];
    const text = `[${errors.map(errText).join(', ')}]`;
    throw Object.assign(new Error(text, { cause: errors[0] }), { details: text });
  }

  /**
   * The user `imageRef` runs as by default (kuberuntime getImageUser): its numeric uid, or its user name; uid 0 when the
   * image names none. Throws when the runtime cannot inspect it.
   */
  async imageUser(imageRef: string): Promise<{ uid?: number; username?: string }> {
    const st = await this.images.imageStatus(imageRef);
    if (!st) throw new Error(`image "${imageRef}" not found`);
    if (st.uid !== undefined) return { uid: st.uid };
    if (st.username) return { username: st.username };
    return { uid: 0 };
  }

  /** Returns the image ref to create the container with; throws ImageError. */
  async ensureImageExists(pod: Pod, container: Container, sandboxConfig: PodSandboxConfig | undefined): Promise<string> {
    const spec = container.image ?? '';
    const fieldPath = containerFieldPath(pod, container.name);
    const image = applyDefaultImageTag(spec);
    const policy = container.imagePullPolicy ?? (image.endsWith(':latest') ? 'Always' : 'IfNotPresent');
    const event = (type: 'Normal' | 'Warning', reason: string, msg: string): void =>
      this.recorder.event(pod, type, reason, msg, fieldPath);

    if (policy !== 'Always') {
      let present;
      try {
        present = await this.images.imageStatus(image);
      } catch (err) {
        event('Warning', 'InspectFailed', `Failed to inspect image "${spec}": ${errText(err)}`);
        throw new ImageError('ImageInspectError', `Failed to inspect image "${spec}": ${errText(err)}`, { cause: err });
      }
      if (present) {
        event('Normal', 'Pulled', `Container image "${spec}" already present on machine`);
        return present.id;
      }
      if (policy === 'Never') {
        const msg = `Container image "${spec}" is not present with pull policy of Never`;
        event('Warning', 'ErrImageNeverPull', msg);
        throw new ImageError('ErrImageNeverPull', msg);
      }
    }

    const key = `${pod.metadata.uid}_${image}`;
    const lastFailure = this.lastError.get(key);
    if (lastFailure !== undefined && this.backoff.isInBackOffSinceUpdate(key)) {
      event('Normal', 'BackOff', `Back-off pulling image "${spec}"`);
      throw new ImageError('ImagePullBackOff', `Back-off pulling image "${spec}": ErrImagePull: ${lastFailure}`);
    }
    event('Normal', 'Pulling', `Pulling image "${spec}"`);
    const started = this.clock.now();
    try {
      const ref = await this.pull(pod, image, sandboxConfig);
      this.lastError.delete(key);
      this.backoff.reset(key);
      const took = pullDuration(this.clock.now() - started);
      let size = 0;
      try {
        size = (await this.images.imageStatus(ref || image))?.size ?? 0;
      } catch {
        size = 0;
      }
      event('Normal', 'Pulled', `Successfully pulled image "${spec}" in ${took} (${took} including waiting). Image size: ${size} bytes.`);
      return ref;
    } catch (err) {
      const text = errText(err);
      this.lastError.set(key, text);
      this.backoff.next(key, this.clock.now());
      event('Warning', 'Failed', `Failed to pull image "${spec}": ${text}`);
      throw new ImageError('ErrImagePull', text, { cause: err });
    }
  }
}
