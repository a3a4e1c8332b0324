/** Public surface of the OpenAPI endpoints (/openapi/v2 and /openapi/v3). */
export { openapiV3Root, openapiV3Document, serveOpenAPIV3, groupVersionPath, type OpenAPIDocument, type OpenAPIResponse } from './v3.js';
export { openapiV2Document, openapiV2Object, serveOpenAPIV2, negotiateOpenAPIV2, OPENAPI_V2_PROTOBUF, OPENAPI_V2_PROTOBUF_DEPRECATED, type OpenAPIV2Response } from './v2.js';
export { decodeOpenAPIV2, encodeOpenAPIV2 } from './v2-proto.js';
