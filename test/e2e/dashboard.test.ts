/**
 * `k1s dashboard` in a real browser (issue 10 items 2 and 3): Debian's chromium, driven by playwright-core,
 * opens the one-time login URL `bin/k1s dashboard` prints against a real k1s server, and checks what a person
 * sees: seed 004's sidecar pod drawn with both containers and the shared volume and a Running timeline; an
 * init-container pod's init phases in order; a crash-looping pod's restarts; an exec terminal that runs `echo`;
 * the namespace page's kubectl columns; and no data without the token. Saves screenshots of the pod pages:
 * to docs/screenshots/ (the README's) when K1S_UPDATE_SCREENSHOTS=1, else to a temporary folder.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { stringify } from 'yaml';
import { e2eSkip, podRow, useCluster } from './harness.js';
import { k1sBin, repoRoot } from './paths.js';
import { seedDocuments } from './seed-manifests.js';

const chromiumPath = '/usr/bin/chromium';
const skip = e2eSkip || (existsSync(chromiumPath) ? false : 'needs /usr/bin/chromium');
const screenshots = process.env.K1S_UPDATE_SCREENSHOTS === '1' ? join(repoRoot, 'docs', 'screenshots') : join(tmpdir(), `k1s-dashboard-screenshots-${process.pid}`);

/** Seed 004's sidecar pod exactly as the seed writes it (main-container + sidecar-container sharing shared-logs). */
function seed004Pod(): string {
  const doc = seedDocuments().find((d) => d.seed.startsWith('004') && ((d.obj['spec'] as { containers?: { name?: string }[] })?.containers ?? []).map((c) => c.name).join('+') === 'main-container+sidecar-container');
  assert.ok(doc, "seed 004's sidecar pod");
  return stringify(doc.obj);
}

const initPod = stringify({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'init-steps' },
  spec: {
    terminationGracePeriodSeconds: 1,
    initContainers: [
      { name: 'fetch-config', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 2; echo config > /work/config'], volumeMounts: [{ name: 'work', mountPath: '/work' }] },
      { name: 'migrate', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 2; echo migrated >> /work/config'], volumeMounts: [{ name: 'work', mountPath: '/work' }] },
    ],
    containers: [{ name: 'app', image: 'busybox:1.36', command: ['sh', '-c', 'cat /work/config; sleep 3600'], volumeMounts: [{ name: 'work', mountPath: '/work', readOnly: true }] }],
    volumes: [{ name: 'work', emptyDir: {} }],
  },
});

const crashPod = stringify({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'crasher' },
  spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'crash', image: 'busybox:1.36', command: ['sh', '-c', 'echo starting; exit 3'] }] },
});

const unreadyPod = stringify({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'unready' },
  spec: {
    terminationGracePeriodSeconds: 1,
    containers: [{ name: 'web', image: 'busybox:1.36', command: ['sleep', '3600'], readinessProbe: { exec: { command: ['sh', '-c', 'echo not ready; exit 1'] }, periodSeconds: 1 } }],
  },
});

/** Starts `bin/k1s dashboard` on the cluster's kubeconfig and resolves with its process and the login URL it prints. */
function startDashboard(kubeconfig: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [k1sBin, 'dashboard', '--kubeconfig', kubeconfig], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolveStart, rejectStart) => {
    const timer = setTimeout(() => rejectStart(new Error(`k1s dashboard printed no URL: ${out}`)), 20_000);
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = /^open (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveStart({ child, url: m[1]! });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => rejectStart(new Error(`k1s dashboard exited (${code}): ${out}`)));
  });
}

describe('k1s dashboard in chromium', { skip, timeout: 150_000 }, () => {
  const cluster = useCluster();
  let dashboard: ChildProcess | undefined;
  let loginUrl = '';
  let base = '';
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const t0 = Date.now();

  before(async () => {
    const c = cluster();
    // The crash-looping pod first: its first restart comes after a 10 s back-off.
    await c.kubectlOk(['apply', '-f', '-'], { input: crashPod });
    await c.kubectlOk(['apply', '-f', '-'], { input: initPod });
    await c.kubectlOk(['apply', '-f', '-'], { input: unreadyPod });
    await c.kubectlOk(['apply', '-f', '-'], { input: seed004Pod() });
    const d = await startDashboard(c.kubeconfig);
    dashboard = d.child;
    loginUrl = d.url;
    base = new URL(loginUrl).origin;
    mkdirSync(screenshots, { recursive: true });
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
    context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    page = await context.newPage();
    await page.goto(`${loginUrl}#/namespaces/default/pods/sidecar-pod`);
  });

  after(async () => {
    await browser?.close();
    dashboard?.kill('SIGTERM');
    if (process.env.K1S_UPDATE_SCREENSHOTS !== '1') rmSync(screenshots, { recursive: true, force: true });
    console.log(`# figure: dashboard suite ${Date.now() - t0} ms after the cluster started`);
  });

  it("draws seed 004's pod: both containers, the shared volume joined to each with its mount, a Running timeline", async () => {
    await cluster().waitFor('sidecar-pod 2/2 Running', async () => (await podRow(cluster(), 'sidecar-pod'))?.ready === '2/2');
    // The login redirect kept the #fragment: the page is the pod's.
    assert.equal(new URL(page.url()).hash, '#/namespaces/default/pods/sidecar-pod');
    const boxes = page.getByTestId('container-box');
    await page.locator('[data-testid=timeline-row][data-container=sidecar-container] [data-state=running]').first().waitFor({ timeout: 30_000 });
    assert.deepEqual(await boxes.evaluateAll((els) => els.map((e) => [e.getAttribute('data-container'), e.getAttribute('data-pattern')])), [
      ['main-container', 'main'],
      ['sidecar-container', 'sidecar'],
    ]);
    const drawing = page.getByTestId('pod-drawing');
    assert.match(await drawing.textContent() ?? '', /\/var\/log ← shared-logs \(rw\)[\s\S]*\/var\/log ← shared-logs \(rw\)/);
    assert.deepEqual(await page.getByTestId('volume').evaluateAll((els) => els.map((e) => e.getAttribute('data-volume'))), ['shared-logs']);
    assert.equal(await drawing.locator('line.mount').count(), 2, 'one line from shared-logs to each container');
    const ip = (await cluster().kubectlOk(['get', 'pod', 'sidecar-pod', '-o', 'jsonpath={.status.podIP}'])).trim();
    await page.getByTestId('pod-ip').filter({ hasText: ip }).waitFor();
    for (const name of ['main-container', 'sidecar-container']) {
      const states = await page.locator(`[data-testid=timeline-row][data-container=${name}] [data-testid=segment]`).evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
      assert.equal(states[states.length - 1], 'running', `${name}'s bar ends running: ${states.join(',')}`);
    }
    assert.ok(await page.getByTestId('pod-event').count() >= 4, 'the pod events (Scheduled, Pulled, Created, Started) are on the axis');
    await page.getByTestId('no-warnings').waitFor();
  });

  it("shows an init-container pod's init phases in order, each Completed before the next starts", async () => {
    await cluster().waitFor('init-steps Running', async () => (await podRow(cluster(), 'init-steps'))?.status === 'Running', 60_000);
    await page.goto(`${base}/#/namespaces/default/pods/init-steps`);
    const appRunning = page.locator('[data-testid=timeline-row][data-container=app] [data-state=running]');
    await appRunning.first().waitFor({ timeout: 30_000 });
    const rows = await page.getByTestId('timeline-row').evaluateAll((els) =>
      els.map((e) => ({
        name: e.getAttribute('data-container'),
        segments: [...e.querySelectorAll('[data-testid=segment]')].map((s) => ({ state: s.getAttribute('data-state'), reason: s.getAttribute('data-reason'), from: Number(s.getAttribute('data-from')), to: Number(s.getAttribute('data-to')) })),
      })),
    );
    assert.deepEqual(rows.map((r) => r.name), ['fetch-config', 'migrate', 'app']);
    const run = (name: string) => rows.find((r) => r.name === name)!.segments.find((s) => s.state === 'running')!;
    const done = (name: string) => rows.find((r) => r.name === name)!.segments.find((s) => s.state === 'terminated')!;
    assert.equal(done('fetch-config').reason, 'Completed');
    assert.equal(done('migrate').reason, 'Completed');
    assert.ok(run('fetch-config').to <= run('migrate').from, 'fetch-config ends before migrate starts');
    assert.ok(run('migrate').to <= run('app').from, 'migrate ends before app starts');
    assert.ok(run('fetch-config').to - run('fetch-config').from >= 1500, 'fetch-config ran its 2 s');
    const appWait = rows.find((r) => r.name === 'app')!.segments[0]!;
    assert.equal(appWait.state, 'waiting', 'app waits while the init containers run');
    assert.deepEqual(await page.getByTestId('container-box').evaluateAll((els) => els.map((e) => e.getAttribute('data-pattern'))), ['init', 'init', 'main']);
    assert.match(await page.getByTestId('pod-drawing').textContent() ?? '', /\/work ← work \(ro\)/);
    await page.screenshot({ path: join(screenshots, 'pod-init.png'), fullPage: true });
  });

  it("shows a CrashLoopBackOff pod's restarts, as kubectl counts them, live", async () => {
    await page.goto(`${base}/#/namespaces/default/pods/crasher`);
    const row = page.locator('[data-testid=timeline-row][data-container=crash]');
    await cluster().waitFor('crasher in CrashLoopBackOff after a restart', async () => {
      const r = await podRow(cluster(), 'crasher');
      return r && r.status === 'CrashLoopBackOff' && Number(r.restarts.split(' ')[0]) >= 1;
    }, 60_000);
    // The page follows the watch: it shows the count kubectl shows (both read the same status).
    await cluster().waitFor('the page and kubectl to agree on the restarts', async () => {
      const kubectl = (await cluster().kubectlOk(['get', 'pod', 'crasher', '-o', 'jsonpath={.status.containerStatuses[0].restartCount}'])).trim();
      return Number(kubectl) >= 1 && (await row.getAttribute('data-restarts')) === kubectl;
    }, 30_000);
    const restarts = await row.getAttribute('data-restarts');
    assert.match(await row.locator('.t-label').textContent() ?? '', new RegExp(`restarts ${restarts}`));
    // The run that ended with exit code 3 is followed by the kubelet's back-off, drawn as the row's last bar.
    await cluster().waitFor('the last bar to be the back-off after exit code 3', async () => {
      const segments = await row.getByTestId('segment').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-state')} ${e.getAttribute('data-reason')} ${e.getAttribute('data-exit-code')}`));
      return segments[segments.length - 1] === 'waiting CrashLoopBackOff 3';
    }, 20_000);
    assert.ok(await row.locator('[data-state=running]').count() >= 1, 'the runs are drawn');
    const reasons = await page.getByTestId('pod-event').evaluateAll((els) => els.map((e) => e.getAttribute('data-reason')));
    assert.ok(reasons.includes('BackOff'), `the BackOff event is on the axis: ${reasons.join(',')}`);
  });

  it("marks a failing readiness probe on its container's row, from the pod's Unhealthy events", async () => {
    await page.goto(`${base}/#/namespaces/default/pods/unready`);
    const failures = page.locator('[data-testid=timeline-row][data-container=web] [data-testid=probe-failure]');
    await failures.first().waitFor({ state: 'attached', timeout: 30_000 });
    assert.match(await failures.first().locator('title').textContent() ?? '', /Warning Unhealthy.*Readiness probe failed: not ready/);
    assert.equal(await page.locator('[data-testid=container-box][data-container=web] .c-state').textContent(), 'Running');
  });

  it("lists the namespace's pods with kubectl's columns READY, STATUS, RESTARTS, AGE", async () => {
    await page.goto(`${base}/#/namespaces/default`);
    const table = page.getByTestId('pod-table');
    await table.locator('tr[data-pod=sidecar-pod]').waitFor();
    assert.deepEqual(await table.locator('th').allTextContents(), ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    for (const name of ['sidecar-pod', 'init-steps', 'unready']) {
      const kubectl = (await podRow(cluster(), name))!;
      const cells = await table.locator(`tr[data-pod=${name}] td`).allTextContents();
      assert.deepEqual(cells.slice(0, 4), [name, kubectl.ready, kubectl.status, kubectl.restarts]);
    }
    await cluster().waitFor('the crasher row to show CrashLoopBackOff', async () => (await table.locator('tr[data-pod=crasher] td[data-column=STATUS]').textContent()) === 'CrashLoopBackOff', 30_000);
  });

  it('runs `echo hello-k1s` in an exec terminal and shows its output', async () => {
    await page.goto(`${base}/#/namespaces/default/pods/sidecar-pod`);
    await page.locator('button[data-tab=exec]').click();
    await page.getByTestId('container-select').selectOption('sidecar-container');
    await page.getByTestId('terminal-state').filter({ hasText: /connected \(v[45]\.channel\.k8s\.io\)/ }).waitFor({ timeout: 20_000 });
    // The shell's prompt, then the command typed into xterm.js.
    await page.locator('.xterm-rows').filter({ hasText: /[#$]/ }).waitFor({ timeout: 15_000 });
    await page.locator('.xterm').click();
    await page.keyboard.type('echo hello-k1s\n');
    await cluster().waitFor('hello-k1s printed on a line of its own', async () => {
      const lines = await page.locator('.xterm-rows > div').allTextContents();
      return lines.some((l) => l.trim() === 'hello-k1s');
    }, 15_000);
    // The README's picture of the pod page: drawing, timeline (some seconds of it by now) and the terminal.
    await page.screenshot({ path: join(screenshots, 'pod-sidecar.png'), fullPage: true });
  });

  it('without the login token the API answers 401 and the page shows no data; the token works once', async () => {
    const res = await fetch(`${base}/k8s/api/v1/namespaces/default/pods`);
    assert.equal(res.status, 401);
    const stranger = await browser.newContext();
    try {
      const p = await stranger.newPage();
      await p.goto(`${base}/#/namespaces/default/pods/sidecar-pod`);
      await p.getByTestId('login-required').waitFor();
      const text = (await p.textContent('body')) ?? '';
      assert.doesNotMatch(text, /main-container|sidecar-container|shared-logs/);
      const again = await p.goto(loginUrl);
      assert.equal(again?.status(), 401, 'the login token was used by the first browser');
    } finally {
      await stranger.close();
    }
  });
});
