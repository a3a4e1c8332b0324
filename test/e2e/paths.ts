/** Paths the e2e suites share: the repository root and the k1s launcher. */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (dist/test/e2e/paths.js → ../../..). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** bin/k1s. */
export const k1sBin = join(repoRoot, 'bin', 'k1s');
