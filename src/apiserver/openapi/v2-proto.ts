/**
 * Converts a Swagger 2.0 JSON document to gnostic's `openapi.v2.Document` protobuf and back.
 *
 * Mirrors gnostic `openapiv2.ParseDocument` + `proto.Marshal`, which kube-openapi's handler runs on the JSON it
 * serves (`handler.ToProtoBinary`): a JSON key becomes the field of the same name in snake_case (`$ref` is
 * `_ref`); `x-…` keys become `vendor_extension` entries `NamedAny{name, value: Any{yaml}}` holding the value as
 * YAML text, which is what kubectl reads (kube-openapi `pkg/util/proto` `VendorExtensionToMap`); defaults, enums
 * and examples are `Any{yaml}` too; JSON maps (`paths`, `definitions`, `properties`, `responses`,
 * `securityDefinitions`) are repeated `Named…` pairs in document order; `type` is a `TypeItem`, `items` an
 * `ItemsItem`, parameters are the `ParametersItem`/`Parameter`/`NonBodyParameter` oneofs chosen by `in`.
 * Like gnostic, a key that Swagger 2.0 does not define is an error, so an invalid document is never served.
 */
import type { Field, Type } from 'protobufjs';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { Json } from './components.js';
import { gnosticType } from './gnostic-v2.js';

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function snake(key: string): string {
  if (key === '$ref') return '_ref';
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function camel(field: string): string {
  if (field === '_ref') return '$ref';
  return field.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/** The YAML text of a JSON value, as gnostic stores it in `Any.yaml` (block style, newline-terminated). */
function toAny(v: unknown): Json {
  return { yaml: stringifyYaml(v) };
}

function named(entries: [string, unknown][], value: (v: unknown, name: string) => Json): Json[] {
  return entries.map(([name, v]) => ({ name, value: value(v, name) }));
}

const SUB_SCHEMAS: Record<string, string> = {
  query: 'query_parameter_sub_schema',
  path: 'path_parameter_sub_schema',
  header: 'header_parameter_sub_schema',
  formData: 'form_data_parameter_sub_schema',
};

const SUB_SCHEMA_TYPES: Record<string, string> = {
  query_parameter_sub_schema: 'QueryParameterSubSchema',
  path_parameter_sub_schema: 'PathParameterSubSchema',
  header_parameter_sub_schema: 'HeaderParameterSubSchema',
  form_data_parameter_sub_schema: 'FormDataParameterSubSchema',
};

class SwaggerError extends Error {}

function fail(path: string, message: string): never {
  throw new SwaggerError(`invalid OpenAPI v2 document at ${path || '/'}: ${message}`);
}

/** Encodes `json` as a message of `type` (a plain object protobufjs `fromObject` accepts). */
function encodeMessage(type: Type, json: unknown, path: string): Json {
  if (!isObject(json)) fail(path, `expected an object for ${type.name}`);
  switch (type.name) {
    case 'Paths':
      return {
        path: named(Object.entries(json).filter(([k]) => !k.startsWith('x-')), (v, n) => encodeMessage(gnosticType('PathItem'), v, `${path}/${n}`)),
        vendor_extension: vendorExtensions(json),
      };
    case 'Definitions':
    case 'Properties':
      return { additional_properties: named(Object.entries(json), (v, n) => encodeMessage(gnosticType('Schema'), v, `${path}/${n}`)) };
    case 'Responses':
      return {
        response_code: named(Object.entries(json).filter(([k]) => !k.startsWith('x-')), (v, n) =>
          isObject(v) && typeof v['$ref'] === 'string'
            ? { json_reference: encodeMessage(gnosticType('JsonReference'), v, `${path}/${n}`) }
            : { response: encodeMessage(gnosticType('Response'), v, `${path}/${n}`) },
        ),
        vendor_extension: vendorExtensions(json),
      };
    case 'SecurityDefinitions':
      return {
        additional_properties: named(Object.entries(json), (v, n) => {
          const t = isObject(v) ? v['type'] : undefined;
          if (t === 'apiKey') return { api_key_security: encodeMessage(gnosticType('ApiKeySecurity'), v, `${path}/${n}`) };
          if (t === 'basic') return { basic_authentication_security: encodeMessage(gnosticType('BasicAuthenticationSecurity'), v, `${path}/${n}`) };
          return fail(`${path}/${n}`, `unsupported security scheme type ${JSON.stringify(t)}`);
        }),
      };
    case 'SecurityRequirement':
      return { additional_properties: named(Object.entries(json), (v) => ({ value: Array.isArray(v) ? v : [] })) };
    case 'ParametersItem': {
      if (typeof json['$ref'] === 'string') return { json_reference: encodeMessage(gnosticType('JsonReference'), json, path) };
      const where = json['in'];
      if (where === 'body') return { parameter: { body_parameter: encodeMessage(gnosticType('BodyParameter'), json, path) } };
      const sub = typeof where === 'string' ? SUB_SCHEMAS[where] : undefined;
      if (!sub) return fail(path, `unsupported parameter location ${JSON.stringify(where)}`);
      return { parameter: { non_body_parameter: { [sub]: encodeMessage(gnosticType(SUB_SCHEMA_TYPES[sub] ?? ''), json, path) } } };
    }
    case 'SchemaItem':
      return json['type'] === 'file'
        ? { file_schema: encodeMessage(gnosticType('FileSchema'), json, path) }
        : { schema: encodeMessage(gnosticType('Schema'), json, path) };
  }
  return encodePlain(type, json, path);
}

function vendorExtensions(json: Json): Json[] {
  return Object.entries(json)
    .filter(([k]) => k.startsWith('x-'))
    .map(([name, v]) => ({ name, value: toAny(v) }));
}

/** A message whose fields are the JSON keys in snake_case (Document, Info, Operation, Schema, …). */
function encodePlain(type: Type, json: Json, path: string): Json {
  const out: Json = {};
  const ext = vendorExtensions(json);
  if (ext.length) {
    if (!type.fields['vendor_extension']) fail(path, `${type.name} has no vendor extensions`);
    out['vendor_extension'] = ext;
  }
  for (const [key, value] of Object.entries(json)) {
    if (key.startsWith('x-')) continue;
    const field = type.fields[snake(key)];
    if (!field) fail(path, `${type.name} has unexpected property ${JSON.stringify(key)}`);
    const v = encodeField(field, value, `${path}/${key}`);
    if (v !== undefined) out[field.name] = v;
  }
  return out;
}

function encodeField(field: Field, value: unknown, path: string): unknown {
  const t = field.resolvedType;
  if (!t) {
    // Scalars: proto3 leaves default values off the wire, as Go's proto.Marshal does.
    if (field.repeated) return Array.isArray(value) && value.length ? value : undefined;
    return value === '' || value === false || value === 0 ? undefined : value;
  }
  if (!('fields' in t)) fail(path, `enum fields are not used by openapi.v2`);
  const type = t as Type;
  switch (type.name) {
    case 'Any':
      return field.repeated ? (Array.isArray(value) ? value.map(toAny) : fail(path, 'expected an array')) : toAny(value);
    case 'TypeItem':
      return { value: Array.isArray(value) ? value : [value] };
    case 'ItemsItem':
      return { schema: (Array.isArray(value) ? value : [value]).map((s, i) => encodeMessage(gnosticType('Schema'), s, `${path}/${i}`)) };
    case 'AdditionalPropertiesItem':
      return typeof value === 'boolean' ? { boolean: value } : { schema: encodeMessage(gnosticType('Schema'), value, path) };
  }
  if (field.repeated) {
    if (!Array.isArray(value)) fail(path, 'expected an array');
    return value.map((v, i) => encodeMessage(type, v, `${path}/${i}`));
  }
  return encodeMessage(type, value, path);
}

/**
 * The protobuf bytes of a Swagger 2.0 JSON document (`swagger`, `info`, `paths`, `definitions`, `security`,
 * `securityDefinitions`, …). Throws an Error naming the JSON path of the first key Swagger 2.0 does not
 * define (e.g. an `oneOf` or a `requestBody` left over from OpenAPI v3).
 */
export function encodeOpenAPIV2(doc: Json): Uint8Array {
  const type = gnosticType('Document');
  return type.encode(type.fromObject(encodeMessage(type, doc, ''))).finish();
}

/* ---------------------------------------------------------------- decoding (inverse of the above) */

function fromAny(any: unknown): unknown {
  return isObject(any) && typeof any['yaml'] === 'string' ? parseYaml(any['yaml']) : undefined;
}

function namedToJson(list: unknown, value: (v: unknown) => unknown): Json {
  const out: Json = {};
  if (Array.isArray(list)) for (const e of list) if (isObject(e) && typeof e['name'] === 'string') out[e['name']] = value(e['value']);
  return out;
}

function oneofValue(m: unknown): [string, unknown] | undefined {
  if (!isObject(m)) return undefined;
  const e = Object.entries(m).find(([k]) => k !== 'oneof');
  return e;
}

function decodeMessage(type: Type, m: unknown): unknown {
  if (!isObject(m)) return undefined;
  switch (type.name) {
    case 'Paths':
      return { ...namedToJson(m['path'], (v) => decodeMessage(gnosticType('PathItem'), v)), ...extensionsToJson(m['vendor_extension']) };
    case 'Definitions':
    case 'Properties':
      return namedToJson(m['additional_properties'], (v) => decodeMessage(gnosticType('Schema'), v));
    case 'Responses':
      return {
        ...namedToJson(m['response_code'], (v) => {
          const [k, inner] = oneofValue(v) ?? ['', undefined];
          return decodeMessage(gnosticType(k === 'json_reference' ? 'JsonReference' : 'Response'), inner);
        }),
        ...extensionsToJson(m['vendor_extension']),
      };
    case 'SecurityDefinitions':
      return namedToJson(m['additional_properties'], (v) => {
        const [k, inner] = oneofValue(v) ?? ['', undefined];
        return decodeMessage(gnosticType(k === 'api_key_security' ? 'ApiKeySecurity' : 'BasicAuthenticationSecurity'), inner);
      });
    case 'SecurityRequirement':
      return namedToJson(m['additional_properties'], (v) => (isObject(v) && Array.isArray(v['value']) ? v['value'] : []));
    case 'ParametersItem': {
      const [k, inner] = oneofValue(m) ?? ['', undefined];
      if (k === 'json_reference') return decodeMessage(gnosticType('JsonReference'), inner);
      const [pk, param] = oneofValue(inner) ?? ['', undefined];
      if (pk === 'body_parameter') return decodeMessage(gnosticType('BodyParameter'), param);
      const [sk, sub] = oneofValue(param) ?? ['', undefined];
      return decodeMessage(gnosticType(SUB_SCHEMA_TYPES[sk] ?? 'QueryParameterSubSchema'), sub);
    }
    case 'SchemaItem': {
      const [k, inner] = oneofValue(m) ?? ['', undefined];
      return decodeMessage(gnosticType(k === 'file_schema' ? 'FileSchema' : 'Schema'), inner);
    }
  }
  const out: Json = {};
  for (const [name, value] of Object.entries(m)) {
    if (name === 'vendor_extension' || name === 'oneof') continue;
    const field = type.fields[name];
    if (!field) continue;
    out[camel(name)] = decodeField(field, value);
  }
  return { ...out, ...extensionsToJson(m['vendor_extension']) };
}

function extensionsToJson(list: unknown): Json {
  return namedToJson(list, fromAny);
}

function decodeField(field: Field, value: unknown): unknown {
  const t = field.resolvedType as Type | null;
  if (!t) return value;
  switch (t.name) {
    case 'Any':
      return Array.isArray(value) ? value.map(fromAny) : fromAny(value);
    case 'TypeItem': {
      const v = isObject(value) && Array.isArray(value['value']) ? value['value'] : [];
      return v.length === 1 ? v[0] : v;
    }
    case 'ItemsItem': {
      const v = isObject(value) && Array.isArray(value['schema']) ? value['schema'] : [];
      const schemas = v.map((s) => decodeMessage(gnosticType('Schema'), s));
      return schemas.length === 1 ? schemas[0] : schemas;
    }
    case 'AdditionalPropertiesItem': {
      const [k, inner] = oneofValue(value) ?? ['', undefined];
      return k === 'boolean' ? inner : decodeMessage(gnosticType('Schema'), inner);
    }
  }
  return Array.isArray(value) ? value.map((v) => decodeMessage(t, v)) : decodeMessage(t, value);
}

/**
 * Decodes `openapi.v2.Document` bytes back into the Swagger 2.0 JSON shape (the inverse of `encodeOpenAPIV2`
 * up to proto3's dropped defaults: empty strings, `false`, `0` and empty lists come back absent). Throws
 * protobufjs's Error on malformed bytes. Used by tests and by anything reading another server's document.
 */
export function decodeOpenAPIV2(bytes: Uint8Array): Json {
  const type = gnosticType('Document');
  const m = type.toObject(type.decode(bytes), { longs: Number, bytes: String, defaults: false, arrays: false });
  return decodeMessage(type, m) as Json;
}
