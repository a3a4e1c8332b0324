/**
 * Per-layer progress of an image import: reads the (decompressed) archive stream that is also being fed to
 * `ctr images import -` and reports each layer blob's bytes as they pass — OCI layouts' `blobs/sha256/<digest>`
 * and docker archives' `<id>/layer.tar` or `blobs/sha256/<digest>` entries whose content is not JSON (manifests,
 * indexes and configs are JSON, layers are tar or compressed tar). Observes only: a stream it cannot parse
 * stops the reports, never the import.
 */
import type { Readable } from 'node:stream';
import { extract as tarExtract } from 'tar-stream';

/** One report: `layer` is `sha256:` and 12 hex digits (docker's short form) or the entry's name. */
export interface LayerProgress {
  layer: string;
  /** Bytes of this layer seen so far, and its size (from the tar header). */
  doneBytes: number;
  totalBytes: number;
  /** Bytes of the whole (decompressed) archive stream seen so far. */
  archiveDoneBytes: number;
}

/** The short name of a layer entry, or undefined for entries that are not blobs. */
export function layerName(entryName: string): string | undefined {
  const name = entryName.replace(/^\.\//, '');
  const blob = /^blobs\/sha256\/([0-9a-f]{64})$/.exec(name);
  if (blob) return `sha256:${blob[1]!.slice(0, 12)}`;
  if (/^[^/]+\/layer\.tar$/.test(name)) return name;
  return undefined;
}

/**
 * Watches `stream` (flowing into another consumer too) and calls `onLayer` as layer bytes pass, at most once
 * per `stepBytes` (default 256 KiB) of a layer and always at its end. Resolves when the stream ended or could not
 * be parsed.
 */
export function watchLayers(stream: Readable, onLayer: (p: LayerProgress) => void, stepBytes = 256 * 1024): Promise<void> {
  const extract = tarExtract();
  let archiveDoneBytes = 0;
  stream.on('data', (c: Buffer) => (archiveDoneBytes += c.length));
  return new Promise((resolve) => {
    const stop = (): void => {
      stream.unpipe(extract as unknown as NodeJS.WritableStream);
      resolve();
    };
    extract.on('entry', (header, entry, next) => {
      const name = header.type === 'file' ? layerName(header.name) : undefined;
      const total = header.size ?? 0;
      let done = 0;
      let reported = 0;
      let isLayer: boolean | undefined;
      entry.on('data', (data: unknown) => {
        if (name === undefined) return;
        const c = data as Uint8Array;
        // JSON blobs (index, manifests, configs) start with `{`; layers never do.
        if (isLayer === undefined) isLayer = c.length > 0 && c[0] !== 0x7b;
        done += c.length;
        if (isLayer && (done - reported >= stepBytes || done === total)) {
          reported = done;
          onLayer({ layer: name, doneBytes: done, totalBytes: total, archiveDoneBytes });
        }
      });
      entry.on('end', () => next());
      entry.resume();
    });
    extract.on('finish', () => resolve());
    extract.on('error', stop);
    stream.on('error', stop);
    stream.pipe(extract as unknown as NodeJS.WritableStream);
  });
}
