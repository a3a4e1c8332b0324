/** Public surface of the API server: start it, and the pieces other components may reuse. */
export { startApiServer, type ApiServer, type ApiServerOptions } from './server.js';
export { SYSTEM_NAMESPACES } from './bootstrap.js';
export type { KubeletClientTls } from './pod-proxy.js';
export { ServiceAccountTokens, type ServiceAccountTokenOptions } from './authn/service-account-tokens.js';
export type { AuthorizationMode } from './authz/authorizer.js';
