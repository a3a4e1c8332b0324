/**
 * `--kubelet-arg KEY=VALUE` (k3s's pass-through of kubelet flags): k1s's kubelet is built in, so it understands
 * the keys it implements — `max-pods` and `eviction-hard` — and refuses any other in one line.
 */
import { parseEvictionHard, type Threshold } from '../kubelet/eviction/thresholds.js';

/** The kubelet settings `--kubelet-arg` may set. */
export interface KubeletArgs {
  /** `max-pods=N`: KubeletConfiguration maxPods, a positive integer. */
  maxPods?: number;
  /** `eviction-hard=memory.available<100Mi,...`: replaces upstream's defaults entirely, as the kubelet does. */
  evictionHard?: Threshold[];
}

const KNOWN = ['max-pods', 'eviction-hard'];

/** Why one `--kubelet-arg` value is invalid, or undefined (a FlagDef validator; newline-joined values are each checked). */
export function validateKubeletArg(value: string): string | undefined {
  try {
    parseKubeletArgs(value.split('\n'));
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * Parses `--kubelet-arg` values (`max-pods=3`, `--eviction-hard=memory.available<1Gi`; a leading `--` is
 * allowed, as k3s passes them on as kubelet flags); a later value of a key wins. Throws Error with one line for
 * a value without `=`, an unknown key, a max-pods that is not a positive integer, or an invalid eviction-hard.
 */
export function parseKubeletArgs(values: readonly string[]): KubeletArgs {
  const out: KubeletArgs = {};
  for (const raw of values) {
    if (raw.trim() === '') continue;
    const text = raw.trim().replace(/^--/, '');
    const eq = text.indexOf('=');
    if (eq <= 0) throw new Error(`kubelet arg "${raw}" is not KEY=VALUE`);
    const key = text.slice(0, eq);
    const value = text.slice(eq + 1);
    switch (key) {
      case 'max-pods': {
        if (!/^\d+$/.test(value) || Number(value) < 1) throw new Error(`kubelet arg max-pods=${value}: want a positive integer`);
        out.maxPods = Number(value);
        break;
      }
      case 'eviction-hard':
        out.evictionHard = parseEvictionHard(value);
        break;
      default:
        throw new Error(`unsupported kubelet arg "${key}": k1s's built-in kubelet understands ${KNOWN.join(' and ')}`);
    }
  }
  return out;
}
