// The kubelet's public entry: startKubelet and its option/handle types.

export { startKubelet, type Kubelet, type KubeletOptions } from './kubelet.js';
