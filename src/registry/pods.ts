/**
 * The core/v1 pods registry entry point: re-exports the pod strategy and its building blocks from `pods/`.
 */
export { podGracePeriod, podInfo, podSelectableFields, podStrategy, preparePodForCreate, preparePodForStatusUpdate } from './pods/strategy.js';
export { applyCreateAdmissionDefaults, applyPodDefaults, defaultPullPolicy, imageTag } from './pods/defaults.js';
export { computePodQOS } from './pods/qos.js';
export { podTable, summarizePod } from './pods/printer.js';
export { validatePodCreate, validatePodSpec, validatePodStatusUpdate, validatePodUpdate } from './pods/validation.js';
