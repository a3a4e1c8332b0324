"""Drives k1s with the official Python client (Debian's python3-kubernetes): watch, create, exec (also with stdin), logs.

The client sends booleans as Python prints them (watch=True, stdout=True, follow=True), which the
API server must read as apimachinery does. Prints one JSON object with what it saw.
Usage: client_checks.py KUBECONFIG POD_NAME
"""
import json
import sys

from kubernetes import client, config, watch
from kubernetes.stream import stream


def main():
    kubeconfig, name = sys.argv[1], sys.argv[2]
    config.load_kube_config(config_file=kubeconfig)
    v1 = client.CoreV1Api()
    out = {}
    body = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name},
        "spec": {
            "containers": [
                {"name": "app", "image": "busybox:1.36", "command": ["sh", "-c", "echo started; sleep 3600"]},
                {"name": "side", "image": "busybox:1.36", "command": ["sleep", "3600"]},
            ]
        },
    }
    v1.create_namespaced_pod("default", body)
    phases = []
    w = watch.Watch()
    for event in w.stream(v1.list_namespaced_pod, "default", field_selector="metadata.name=" + name, timeout_seconds=60):
        phases.append(event["object"].status.phase)
        if event["object"].status.phase == "Running":
            w.stop()
    out["watchPhases"] = phases
    out["exec"] = stream(
        v1.connect_get_namespaced_pod_exec, name, "default", container="side",
        command=["sh", "-c", "echo out-line; echo err-line >&2"],
        stderr=True, stdin=False, stdout=True, tty=False,
    )
    # exec with stdin: the process reads two lines from the client's stdin (head exits after them).
    ws = stream(
        v1.connect_get_namespaced_pod_exec, name, "default", container="side",
        command=["sh", "-c", "head -n 2 | tr a-z A-Z"],
        stderr=True, stdin=True, stdout=True, tty=False, _preload_content=False,
    )
    ws.write_stdin("first\nsecond\n")
    got = ""
    while ws.is_open():
        ws.update(timeout=5)
        got += ws.read_stdout()
    ws.close()
    out["execStdin"] = got
    out["execStdinExit"] = ws.returncode
    out["logs"] = v1.read_namespaced_pod_log(name, "default", container="app", timestamps=True)
    resp = v1.read_namespaced_pod_log(name, "default", container="app", follow=True, _preload_content=False)
    first = resp.read(8)
    resp.close()
    out["followFirstBytes"] = first.decode()
    v1.delete_namespaced_pod(name, "default", grace_period_seconds=0)
    print(json.dumps(out))


main()
