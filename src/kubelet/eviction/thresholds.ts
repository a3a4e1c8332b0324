/**
 * Hard eviction thresholds: parsing the kubelet's `--eviction-hard` (`memory.available<100Mi,nodefs.available<10%`),
 * upstream's Linux defaults, and the quantity a threshold stands for against a capacity.
 *
 * Mirrors `pkg/kubelet/eviction/helpers.go` (parseThresholdStatements, parseThresholdStatement, GetThresholdQuantity)
 * and `pkg/kubelet/apis/config/v1beta1/defaults_linux.go` (DefaultEvictionHard).
 */
import { parseQuantity } from '../../api/quantity.js';

/** The eviction signals this kubelet observes (evictionapi.Signal). */
export type EvictionSignal = 'memory.available' | 'nodefs.available' | 'nodefs.inodesFree' | 'imagefs.available' | 'imagefs.inodesFree' | 'pid.available';

const SIGNALS: readonly EvictionSignal[] = ['memory.available', 'nodefs.available', 'nodefs.inodesFree', 'imagefs.available', 'imagefs.inodesFree', 'pid.available'];

/** A threshold's value: an absolute quantity (bytes, inodes, pids) or a fraction of capacity (0..1). */
export type ThresholdValue = { quantity: number; text: string } | { percentage: number };

/** One hard threshold (`signal < value`; upstream's only operator is LessThan). */
export interface Threshold {
  signal: EvictionSignal;
  value: ThresholdValue;
}

/** Upstream's default `--eviction-hard` on Linux (1.32). */
export const DEFAULT_EVICTION_HARD = 'memory.available<100Mi,nodefs.available<10%,imagefs.available<15%,nodefs.inodesFree<5%,imagefs.inodesFree<5%';

/**
 * Parses an `--eviction-hard` value: comma-separated `signal<value` statements, a value being a quantity
 * (`100Mi`) or a percentage (`10%`). An empty string means no thresholds. Throws Error with a one-line
 * message for an unknown signal, an operator other than `<`, a negative quantity, a percentage outside
 * (0, 100], or a signal given twice (upstream: `unsupported eviction signal`, `invalid eviction threshold`,
 * `found duplicate eviction threshold for signal`).
 */
export function parseEvictionHard(text: string): Threshold[] {
  const out: Threshold[] = [];
  for (const statement of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^([a-zA-Z.]+)\s*([<>=!]+)\s*(.*)$/.exec(statement);
    if (!m) throw new Error(`invalid eviction threshold "${statement}": want signal<value, as memory.available<100Mi`);
    const [, signal = '', op, raw = ''] = m;
    if (!(SIGNALS as readonly string[]).includes(signal)) throw new Error(`unsupported eviction signal ${signal} (known: ${SIGNALS.join(', ')})`);
    if (op !== '<') throw new Error(`invalid eviction threshold "${statement}": the only operator is <`);
    if (out.some((t) => t.signal === signal)) throw new Error(`found duplicate eviction threshold for signal ${signal}`);
    let value: ThresholdValue;
    if (raw.endsWith('%')) {
      const pct = Number(raw.slice(0, -1));
      if (!Number.isFinite(pct) || pct <= 0 || pct > 100) throw new Error(`eviction percentage threshold ${signal} must be > 0% and <= 100%: ${raw}`);
      value = { percentage: pct / 100 };
    } else {
      let q: number;
      try {
        q = parseQuantity(raw);
      } catch (err) {
        throw new Error(`invalid eviction threshold "${statement}": "${raw}" is not a quantity`, { cause: err });
      }
      if (q < 0) throw new Error(`eviction threshold ${signal} must be positive: ${raw}`);
      value = { quantity: q, text: raw };
    }
    out.push({ signal: signal as EvictionSignal, value });
  }
  return out;
}

/** GetThresholdQuantity: the threshold in the signal's unit against `capacity` (a percentage rounds down). */
export function thresholdQuantity(value: ThresholdValue, capacity: number): number {
  return 'quantity' in value ? value.quantity : Math.floor(value.percentage * capacity);
}
