/** Public surface of the OpenAPI v3 endpoints. */
export { openapiV3Root, openapiV3Document, serveOpenAPIV3, groupVersionPath, type OpenAPIDocument, type OpenAPIResponse } from './v3.js';
