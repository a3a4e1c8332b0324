#!/usr/bin/env bash
# One command from a fresh clone to a running cluster with the seed 004 sidecar pod:
# installs what is missing, builds, starts `k1s server` in the background, imports a busybox image
# built from Debian's busybox-static, applies examples/sidecar-pod.yaml and waits for 2/2 Running.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA_DIR=${K1S_DATA_DIR:-/var/lib/k1s}
PORT=${K1S_PORT:-6443}
# Numbered steps, each ending with how long it took.
STEPS=6 step_no=0 step_start=0
step_done() { [ "$step_no" = 0 ] || echo "k1s: step $step_no done in $(( $(date +%s) - step_start )) s"; }
step() {
  step_done
  step_no=$((step_no + 1)); step_start=$(date +%s)
  echo "k1s: [$step_no/$STEPS] $*"
}
running() { [ -f "$DATA_DIR/k1s.pid" ] && kill -0 "$(cat "$DATA_DIR/k1s.pid")" 2>/dev/null; }
step "installing what is missing and building"
bash scripts/ensure-deps.sh
step "checking this machine (bin/k1s check-config; warnings and failures shown)"
if running; then
  echo "k1s: server already running: skipped"
else
  bin/k1s check-config --data-dir "$DATA_DIR" --https-listen-port "$PORT" | grep -v '^\[pass\]' || true
fi

step "starting the server"
if running; then
  echo "k1s: server already running (pid $(cat "$DATA_DIR/k1s.pid"))"
else
  mkdir -p "$DATA_DIR"
  rm -f "$DATA_DIR/ready"
  echo "k1s: starting server (data dir $DATA_DIR, port $PORT, log $DATA_DIR/k1s.log)"
  nohup bin/k1s server --data-dir "$DATA_DIR" --https-listen-port "$PORT" --disable-default-registry-endpoint \
    >>"$DATA_DIR/k1s.log" 2>&1 </dev/null &
  for _ in $(seq 1 240); do
    [ -f "$DATA_DIR/ready" ] && break
    sleep 0.5
  done
  [ -f "$DATA_DIR/ready" ] || { echo "k1s: server did not become ready; see $DATA_DIR/k1s.log" >&2; tail -20 "$DATA_DIR/k1s.log" >&2; exit 1; }
fi

step "building and importing busybox test images (from Debian's busybox-static)"
node -e "import('./dist/test/images/busybox.js').then((m) => m.buildBusyboxArchive(process.argv[1]))" "$DATA_DIR/busybox.tar"
bin/k1s images import --data-dir "$DATA_DIR" "$DATA_DIR/busybox.tar"

export KUBECONFIG="$DATA_DIR/kubeconfig.yaml"
step "applying examples/sidecar-pod.yaml"
kubectl apply -f examples/sidecar-pod.yaml
step "waiting for the pod to be Ready"
kubectl wait --for=condition=Ready pod/sidecar-pod --timeout=120s
step_done
kubectl get pods
cat <<MSG

k1s is running. Try:
  export KUBECONFIG=$DATA_DIR/kubeconfig.yaml
  kubectl logs sidecar-pod -c sidecar-container --tail=5
  kubectl exec sidecar-pod -c main-container -- ls /var/log
Stop it with:  kill \$(cat $DATA_DIR/k1s.pid)   (pods keep running; then: bin/k1s killall --data-dir $DATA_DIR)
MSG
