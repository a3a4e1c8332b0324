/**
 * Runner of the schema-table generator: reads the pinned k8s.io/api and k8s.io/apimachinery Go types from git
 * mirrors and writes src/api/schema/tables/*.gen.ts (the tables behind strict field validation, strategic merge
 * patch and these OpenAPI documents).
 *
 * Run after `npx tsc`, with git mirrors (bare or not) of kubernetes/api and kubernetes/apimachinery:
 * `node dist/src/apiserver/openapi/generate-schema-tables.js <api.git> <apimachinery.git> [out dir]`
 * (out dir defaults to src/api/schema/tables). With `--check` it writes nothing and exits 1 when a file
 * differs. The work itself is src/api/schema/codegen/ (plain TypeScript); this file only does the I/O, which
 * src/api may not (no `node:` imports there).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { argv, exit, stderr, stdout } from 'node:process';
import { generateTableFiles, type PackageSource } from '../../api/schema/codegen/generate.js';
import { newGoPackage, parseGoFile, type GoPackage } from '../../api/schema/codegen/go-source.js';
import { PINNED_API, PINNED_APIMACHINERY, type PinnedSource } from '../../api/schema/codegen/pinned.js';
import { API_DIRS, APIMACHINERY_DIRS, MODULES } from '../../api/schema/codegen/plan.js';

function git(gitDir: string, args: string[]): string {
  return execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

/** The hand-written Go files of a package directory (no tests, no generated code). */
function goFiles(gitDir: string, commit: string, dir: string): string[] {
  return git(gitDir, ['ls-tree', '--name-only', `${commit}:${dir}`])
    .split('\n')
    .filter((f) => f.endsWith('.go') && !f.endsWith('_test.go') && !f.startsWith('zz_') && f !== 'generated.pb.go' && !f.endsWith('_generated.go'));
}

function main(): void {
  const args = argv.slice(2);
  const check = args.includes('--check');
  const [apiGit, machineryGit, outDir = 'src/api/schema/tables'] = args.filter((a) => a !== '--check');
  if (!apiGit || !machineryGit) throw new Error('usage: generate-schema-tables [--check] <kubernetes/api git dir> <kubernetes/apimachinery git dir> [out dir]');
  const packages = new Map<string, GoPackage>();
  const sources = new Map<string, PackageSource>();
  const read = (gitDir: string, pinned: PinnedSource, prefix: string, dirs: string[]): void => {
    const tag = git(gitDir, ['rev-parse', `${pinned.tag}^{commit}`]).trim();
    if (tag !== pinned.commit) throw new Error(`${pinned.repo}: tag ${pinned.tag} is ${tag}, pinned ${pinned.commit}`);
    for (const dir of dirs) {
      const pkg = newGoPackage(`${prefix}${dir}`);
      for (const file of goFiles(gitDir, pinned.commit, dir)) parseGoFile(git(gitDir, ['show', `${pinned.commit}:${dir}/${file}`]), pkg, file);
      packages.set(pkg.path, pkg);
      sources.set(pkg.path, { pinned, dir });
    }
  };
  read(apiGit, PINNED_API, 'k8s.io/api/', API_DIRS);
  read(machineryGit, PINNED_APIMACHINERY, 'k8s.io/apimachinery/', APIMACHINERY_DIRS);
  const files = generateTableFiles(packages, MODULES, (p) => {
    const s = sources.get(p);
    if (!s) throw new Error(`package ${p} was not read`);
    return s;
  });
  let differ = 0;
  for (const f of files) {
    const path = join(outDir, f.file);
    let old = '';
    try {
      old = readFileSync(path, 'utf8');
    } catch {
      // a new file
    }
    if (old === f.text) continue;
    differ++;
    if (check) stderr.write(`${path}: differs from the generator's output\n`);
    else writeFileSync(path, f.text);
  }
  stdout.write(`${files.length} files, ${differ} ${check ? 'differ' : 'written'}\n`);
  if (check && differ) exit(1);
}

main();
