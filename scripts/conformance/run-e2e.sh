#!/usr/bin/env bash
# The Kubernetes v1.20.2 e2e framework (test/e2e, binary e2e.test, Ginkgo v1), the
# [NodeConformance] specs: test/e2e/common (pods, init containers, lifecycle hooks, probes, container
# runtime, downward API, configMap/secret/projected/emptyDir volumes, security context, ...).
#
# Usage: run-e2e-nodeconformance.sh KUBECONFIG [extra e2e.test flags]
# Prints PASS/FAIL/SKIP per spec, then "e2e-nodeconformance: N passed, M failed, K skipped".
#
# Prepare first: prepare-k8s-1.20.sh (source + Go 1.15 from the Debian archive, builds e2e.test and
# ginkgo into $PEER_SRC/e2e-bin), then mk-e2e-images.sh OUTDIR REGISTRY to build the test images
# (agnhost 2.21, busybox 1.29, nginx 1.14-alpine, httpd 2.4.38-alpine, pause 3.2, nonroot,
# nonewprivs, kitten, nautilus) and push them to a local registry that the cluster mirrors for
# docker.io, k8s.gcr.io, gcr.io and invalid.com (k1s: --private-registry registries.yaml).
#
# Environment:
#   E2E_FOCUS   default '\[NodeConformance\]'
#   E2E_SKIP    default '\[Slow\]|\[Serial\]|\[Disruptive\]|\[Flaky\]'
#   E2E_NODES   parallel Ginkgo nodes, default 4
#   E2E_REPORT_DIR  where the log, JUnit files and results.tsv go (default: a new /tmp dir)
#   E2E_STRICT  1 = the suite exactly as upstream runs it: protobuf bodies, wait for each test
#               namespace's "default" ServiceAccount, and the kube-system/Service pre-checks.
#               Default 0 relaxes those three, each of which alone stops every spec on a cluster
#               without legacy ServiceAccount token Secrets (the v1.20 wait wants one listed in the
#               "default" ServiceAccount; Kubernetes 1.24+ creates none), ReplicationControllers and
#               Services, or protobuf bodies: JSON bodies (--kube-api-content-type=application/json),
#               --e2e-verify-service-account=false, E2E_SKIP_SYSTEM_PRECHECKS=1.
set -uo pipefail
kc=${1:?usage: run-e2e-nodeconformance.sh KUBECONFIG [e2e.test flags]}; shift
[ -r "$kc" ] || { echo "no kubeconfig at $kc"; exit 2; }
kc=$(readlink -f "$kc")
PEER_SRC=${PEER_SRC:-/tmp/peer-src}
bin=$PEER_SRC/e2e-bin
[ -x "$bin/e2e.test" ] && [ -x "$bin/ginkgo" ] || { echo "e2e-nodeconformance: run prepare-k8s-1.20.sh first"; exit 2; }
FOCUS=${E2E_FOCUS:-'\[NodeConformance\]'}
SKIP=${E2E_SKIP:-'\[Slow\]|\[Serial\]|\[Disruptive\]|\[Flaky\]'}
NODES=${E2E_NODES:-4}
out=${E2E_REPORT_DIR:-$(mktemp -d /tmp/e2e-nodeconf.XXXXXX)}
mkdir -p "$out"
flags=(--kubeconfig="$kc" --provider=skeleton --report-dir="$out" --e2e-output-dir="$out"
       --dump-logs-on-failure=false --kubectl-path="$(command -v kubectl)")
if [ "${E2E_STRICT:-0}" = 1 ]; then
  unset E2E_SKIP_SYSTEM_PRECHECKS
  # E2E_RELAX: a comma list of the relaxations to keep in strict mode (json, serviceaccount, prechecks)
  case ",${E2E_RELAX:-}," in *,prechecks,*) export E2E_SKIP_SYSTEM_PRECHECKS=1 ;; esac
  case ",${E2E_RELAX:-}," in *,json,*) flags+=(--kube-api-content-type=application/json) ;; esac
  case ",${E2E_RELAX:-}," in *,serviceaccount,*) flags+=(--e2e-verify-service-account=false) ;; esac
else
  export E2E_SKIP_SYSTEM_PRECHECKS=1
  flags+=(--kube-api-content-type=application/json --e2e-verify-service-account=false)
fi
# The e2e framework reads test data relative to the tree (it also has it built in via bindata).
cd "$PEER_SRC/debian-k8s/kubernetes-1.20.2" 2>/dev/null || cd "$out"
"$bin/ginkgo" -nodes="$NODES" -noColor -focus="$FOCUS" -skip="$SKIP" -timeout=3h "$bin/e2e.test" -- \
  "${flags[@]}" "$@" >"$out/log" 2>&1
rc=$?
echo "full log: $out/log"
/usr/bin/python3 - "$out" "$FOCUS" <<'PY'
import glob, json, re, sys, xml.etree.ElementTree as ET
out, focus = sys.argv[1], re.compile(sys.argv[2])
res = {}
# each spec's outcome as the Ginkgo node that ran it printed it (also there when a node never finished)
for m in re.finditer(r'"msg":"(PASSED|FAILED) ((?:[^"\\]|\\.)*)","total"', open(out + '/log', errors='replace').read()):
    name = json.loads('"' + m.group(2) + '"')
    if focus.search(name):
        res[name] = 'PASS' if m.group(1) == 'PASSED' else 'FAIL'
# JUnit adds the focused specs that no node ran (the skip regex, in-test skips)
for f in sorted(glob.glob(out + '/junit_*.xml')):
    for tc in ET.parse(f).getroot().iter('testcase'):
        name = tc.get('name', '')
        if name.strip('[]').startswith('BeforeSuite') and (tc.find('failure') is not None or tc.find('error') is not None):
            res['[BeforeSuite] (suite setup: no spec ran)'] = 'FAIL'
            continue
        if not focus.search(name) or name.startswith('[BeforeSuite]') or name.startswith('[AfterSuite]'):
            continue
        if tc.find('failure') is not None or tc.find('error') is not None:
            res[name] = 'FAIL'
        elif name not in res and tc.find('skipped') is None:
            res[name] = 'PASS'
        else:
            res.setdefault(name, 'SKIP')
with open(out + '/results.tsv', 'w') as f:
    for name in sorted(res):
        print(res[name], name)
        f.write(res[name] + '\t' + name + '\n')
n = {k: sum(1 for v in res.values() if v == k) for k in ('PASS', 'FAIL', 'SKIP')}
print(f"e2e-nodeconformance: {n['PASS']} passed, {n['FAIL']} failed, {n['SKIP']} skipped")
PY
exit $rc
