#!/usr/bin/env bash
# `npm run conformance [-- FLAGS]`: the upstream Kubernetes e2e suite (v1.20.2, built from Debian's
# `kubernetes` source package with Go 1.15 from Debian's archive) against a fresh k1s cluster.
#
#   --focus RE     specs to run (default '\[NodeConformance\]')
#   --skip RE      specs to leave out (default '\[Slow\]|\[Serial\]|\[Disruptive\]|\[Flaky\]')
#   --nodes N      parallel Ginkgo nodes (default 4)
#   --relaxed      JSON bodies, no wait for each namespace's default ServiceAccount, no kube-system /
#                  Service pre-checks (default: strict, the suite exactly as upstream runs it)
#   --relax LIST   strict mode but with some of the relaxations: a comma list of json, serviceaccount,
#                  prechecks (e.g. --relax prechecks: protobuf bodies and the ServiceAccount wait, no
#                  kube-system/Service pre-checks). The v1.20 suite's ServiceAccount wait asks for a token
#                  Secret listed in each namespace's `default` ServiceAccount, which Kubernetes stopped
#                  creating in 1.24: the cluster runs with
#                  --kube-controller-manager-arg=feature-gates=LegacyServiceAccountTokenNoAutoGeneration=false
#                  (docs/conformance.md)
#   --node-ip IP   the server's --node-ip (default k1s's, 127.0.0.1), e.g. 10.77.0.1, the pod gateway of
#                  PEER_CIDR: specs that reach NodePorts or hostPorts on the node's address from a pod need it
#   --out DIR      where the log, JUnit files, results.tsv and summary.md go (default conformance-results/)
#
# Builds or reuses the suite under $PEER_SRC (default /tmp/peer-src: ~6 min cold on 2 cores), starts a
# local registry with the e2e images and a k1s server on its own data dir, port and pod CIDR, runs the
# focus, prints one PASS/FAIL/SKIP line per spec and a summary, writes OUT/summary.md (the figure, date,
# commit and what fails; docs/conformance.md is the recorded copy), and always stops the cluster and the
# registry again. Exits 0 only when nothing failed. Not part of
# `npm test`. Holds /tmp/k1s-e2e.lock while the cluster runs: one k1s cluster on this machine at a time.
set -euo pipefail
cd "$(dirname "$0")/.."
here=$PWD/scripts/conformance
focus='\[NodeConformance\]'; skip='\[Slow\]|\[Serial\]|\[Disruptive\]|\[Flaky\]'; nodes=4; strict=1; relax=; out=$PWD/conformance-results
while (($#)); do
  case "$1" in
    --focus) focus=$2; shift 2 ;;
    --skip) skip=$2; shift 2 ;;
    --nodes) nodes=$2; shift 2 ;;
    --relaxed) strict=0; shift ;;
    --relax) relax=$2; shift 2 ;;
    --node-ip) export PEER_NODE_IP=$2; shift 2 ;;
    --out) out=$(mkdir -p "$2" && cd "$2" && pwd); shift 2 ;;
    -h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "conformance: unknown flag $1 (see --help)" >&2; exit 2 ;;
  esac
done

bash scripts/ensure-deps.sh
missing=()
for p in docker-registry skopeo umoci nginx-light curl bind9-dnsutils; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "conformance: installing Debian packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian's docker-registry package starts a system service on :5000; the runner starts its own.
systemctl disable --now docker-registry >/dev/null 2>&1 || true

export PEER_SRC=${PEER_SRC:-/tmp/peer-src}
bash "$here/prepare-k8s-1.20.sh" >"$PEER_SRC.prepare.log" 2>&1 || { tail -20 "$PEER_SRC.prepare.log"; echo "conformance: building the suite failed (log: $PEER_SRC.prepare.log)" >&2; exit 1; }

export PEER_DATA=${PEER_DATA:-/tmp/k1s-conformance} PEER_PORT=${PEER_PORT:-27443} PEER_CIDR=${PEER_CIDR:-10.77.0.0/16} REG_PORT=${REG_PORT:-27500}
rm -rf "$out"; mkdir -p "$out"
exec 9>/tmp/k1s-e2e.lock
flock 9
cleanup() {
  bash "$here/cluster.sh" down >/dev/null 2>&1 || true
  rm -rf "$PEER_DATA" "$PEER_DATA-peer"
}
trap cleanup EXIT
bash "$here/cluster.sh" up
export KUBECONFIG=$PEER_DATA/kubeconfig.yaml
for _ in $(seq 120); do
  [ "$(kubectl get nodes -o jsonpath='{.items[0].status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ] && break
  sleep 0.5
done

started=$(date -u +%Y-%m-%dT%H:%MZ)
# The commit the cluster was built from (read now: HEAD may move while the specs run), "+changes" for a dirty tree.
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- src scripts 2>/dev/null || commit="$commit+changes"
set +e
E2E_FOCUS=$focus E2E_SKIP=$skip E2E_NODES=$nodes E2E_STRICT=$strict E2E_RELAX=$relax E2E_REPORT_DIR=$out \
  bash "$here/run-e2e.sh" "$KUBECONFIG" | tee "$out/summary.txt"
set -e
cp "$PEER_DATA-peer/server.log" "$out/k1s-server.log" 2>/dev/null || true

mode=$([ "$strict" = 1 ] && echo "strict${relax:+ (relaxed: $relax)}" || echo relaxed)
/usr/bin/python3 - "$out" "$focus" "$skip" "$mode" "$commit" "$started" >"$out/summary.md" <<'PY'
import sys
out, focus, skip, mode, commit, started = sys.argv[1:]
rows = [l.rstrip('\n').split('\t', 1) for l in open(out + '/results.tsv') if '\t' in l]
n = {k: sum(1 for r, _ in rows if r == k) for k in ('PASS', 'FAIL', 'SKIP')}
print(f"# Upstream e2e (v1.20.2) against k1s\n")
print(f"- focus `{focus}`, skip `{skip}`, {mode} mode")
print(f"- measured {started} on commit `{commit}`")
print(f"- **{n['PASS']} passed, {n['FAIL']} failed, {n['SKIP']} skipped** of {len(rows)}\n")
for title, key in (('Failed', 'FAIL'), ('Skipped', 'SKIP')):
    names = [name for r, name in rows if r == key]
    if names:
        print(f"## {title}\n")
        for name in names:
            print(f"- {name}")
        print()
PY
echo "conformance: results in $out (summary.md, results.tsv, junit_*.xml, log)"
grep -Eq '^e2e-nodeconformance: [1-9][0-9]* passed, 0 failed' "$out/summary.txt"
