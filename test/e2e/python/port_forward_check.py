"""Port-forward with the official Python client (kubernetes.stream.portforward): two ports of one pod over one
WebSocket; sends an HTTP GET on each forwarded socket, reads each answer to its end and prints them as JSON.

Usage: port_forward_check.py KUBECONFIG POD PORT[,PORT...]
"""
import json
import sys

from kubernetes import client, config
from kubernetes.stream import portforward


def main():
    kubeconfig, pod, ports = sys.argv[1], sys.argv[2], [int(p) for p in sys.argv[3].split(',')]
    config.load_kube_config(kubeconfig)
    api = client.CoreV1Api()
    pf = portforward(api.connect_get_namespaced_pod_portforward, pod, 'default', ports=','.join(str(p) for p in ports))
    sockets = {}
    for port in ports:
        s = pf.socket(port)
        s.setblocking(True)
        s.sendall(b'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')
        sockets[port] = s
    out = {}
    for port, s in sockets.items():
        data = b''
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        s.close()
        head, _, body = data.partition(b'\r\n\r\n')
        out[str(port)] = {'status': head.split(b'\r\n', 1)[0].decode(), 'body': body.decode(errors='replace'), 'error': pf.error(port)}
    print(json.dumps(out))


if __name__ == '__main__':
    main()
