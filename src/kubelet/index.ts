// The kubelet's public entry: startKubelet and its option/handle types.

export { startKubelet, type Kubelet, type KubeletOptions } from './kubelet.js';
export { staticServiceLister, type ServiceLister } from './envvars/service-lister.js';
