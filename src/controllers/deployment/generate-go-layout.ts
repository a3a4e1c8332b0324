/**
 * Runner of the Go-layout generator: reads core/v1 and meta/v1 of the pinned k8s.io/api and k8s.io/apimachinery
 * from git mirrors and writes ./go-types.gen.ts (the work is ./go-layout-codegen.ts).
 *
 * After `npx tsc`: `node dist/src/controllers/deployment/generate-go-layout.js <api.git> <apimachinery.git>`;
 * `--check` writes nothing and exits 1 when the file differs.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { argv, exit, stderr, stdout } from 'node:process';
import { newGoPackage, parseGoFile, type GoPackage } from '../../api/schema/codegen/go-source.js';
import { PINNED_API, PINNED_APIMACHINERY, type PinnedSource } from '../../api/schema/codegen/pinned.js';
import { renderGoLayout } from './go-layout-codegen.js';

const OUT = 'src/controllers/deployment/go-types.gen.ts';

function git(gitDir: string, args: string[]): string {
  return execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

function read(gitDir: string, pinned: PinnedSource, dir: string, path: string): GoPackage {
  const tag = git(gitDir, ['rev-parse', `${pinned.tag}^{commit}`]).trim();
  if (tag !== pinned.commit) throw new Error(`${pinned.repo}: tag ${pinned.tag} is ${tag}, pinned ${pinned.commit}`);
  const pkg = newGoPackage(path);
  const files = git(gitDir, ['ls-tree', '--name-only', `${pinned.commit}:${dir}`]).split('\n');
  for (const f of files.filter((x) => x.endsWith('.go') && !x.endsWith('_test.go') && !x.startsWith('zz_') && x !== 'generated.pb.go' && !x.endsWith('_generated.go'))) {
    parseGoFile(git(gitDir, ['show', `${pinned.commit}:${dir}/${f}`]), pkg, f);
  }
  return pkg;
}

function main(): void {
  const args = argv.slice(2);
  const check = args.includes('--check');
  const [apiGit, machineryGit] = args.filter((a) => a !== '--check');
  if (!apiGit || !machineryGit) throw new Error('usage: generate-go-layout [--check] <kubernetes/api git dir> <kubernetes/apimachinery git dir>');
  const packages = new Map<string, GoPackage>();
  for (const p of [read(apiGit, PINNED_API, 'core/v1', 'k8s.io/api/core/v1'), read(machineryGit, PINNED_APIMACHINERY, 'pkg/apis/meta/v1', 'k8s.io/apimachinery/pkg/apis/meta/v1')]) packages.set(p.path, p);
  const text = renderGoLayout(packages, [PINNED_API, PINNED_APIMACHINERY], 'src/controllers/deployment/generate-go-layout.ts');
  let old = '';
  try {
    old = readFileSync(OUT, 'utf8');
  } catch {
    // a new file
  }
  if (old === text) return void stdout.write(`${OUT}: up to date\n`);
  if (check) {
    stderr.write(`${OUT}: differs from the generator's output\n`);
    exit(1);
  }
  writeFileSync(OUT, text);
  stdout.write(`${OUT}: written\n`);
}

main();
