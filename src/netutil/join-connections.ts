/**
 * Joins an upgraded client connection and its backend connection byte for byte (apimachinery
 * `proxy/upgradeaware.go`'s copy loops): what one side sends the other receives, a half-close passes through,
 * and a side that closes leaves the other time to flush before it is destroyed. Shared by the API server's pod
 * proxy and the kubelet's stream proxy (both upgrade-aware proxies).
 */
import type { Duplex } from 'node:stream';

/** How long a connection whose peer has closed may take to flush what it still holds, ms. */
const LINGER_MS = 5_000;

/**
 * Pipes `a` and `b` both ways with backpressure. An end on one side ends the other's writable side once what
 * was read before is written, and both are destroyed 5 s later; when one side closes cleanly the other is
 * ended (flushing) and destroyed at the latest 5 s later; an error on either destroys both at once.
 */
export function joinConnections(a: Duplex, b: Duplex): void {
  const closed = (from: Duplex, to: Duplex) => (hadError?: boolean) => {
    if (hadError || from.errored) {
      to.destroy();
      return;
    }
    if (to.destroyed) return;
    if (!to.writableEnded) to.end();
    setTimeout(() => to.destroy(), LINGER_MS).unref();
  };
  // SPDY and WebSocket peers never half-close: the end of one side's input ends the session, so both
  // connections get the linger time to flush and are then destroyed.
  const ended = (): void => {
    setTimeout(() => {
      a.destroy();
      b.destroy();
    }, LINGER_MS).unref();
  };
  a.on('error', () => b.destroy());
  b.on('error', () => a.destroy());
  a.on('close', closed(a, b));
  b.on('close', closed(b, a));
  a.once('end', ended);
  b.once('end', ended);
  a.pipe(b);
  b.pipe(a);
}
