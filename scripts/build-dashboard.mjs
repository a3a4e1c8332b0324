// Bundles the dashboard's front end (src/dashboard/web: preact, @xterm/xterm, lint/) with esbuild into
// dist/dashboard/{index.html,app.js,app.css}, which `k1s dashboard` serves; type-checks it first (its own tsconfig).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const web = join(root, 'src', 'dashboard', 'web');
const out = join(root, 'dist', 'dashboard');
const t0 = Date.now();
try {
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(web, 'tsconfig.json')], { stdio: 'inherit' });
} catch {
  console.error('k1s: the dashboard front end does not type-check (above)');
  process.exit(1);
}
mkdirSync(out, { recursive: true });
await build({
  entryPoints: { app: join(web, 'main.tsx') },
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: false,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outdir: out,
  logLevel: 'warning',
  legalComments: 'none',
});
copyFileSync(join(web, 'index.html'), join(out, 'index.html'));
const kb = (f) => (statSync(join(out, f)).size / 1024).toFixed(0);
console.log(`k1s: dashboard bundled in ${Date.now() - t0} ms: app.js ${kb('app.js')} KiB, app.css ${kb('app.css')} KiB`);
