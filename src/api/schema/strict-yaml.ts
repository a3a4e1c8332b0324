/**
 * YAML request bodies for the API server: parse with duplicate-key detection, as kube's strict YAML decoder.
 *
 * Mirrors apimachinery `pkg/runtime/serializer/json` strict mode, which runs sigs.k8s.io/yaml
 * `YAMLToJSONStrict` (go-yaml v2 `UnmarshalStrict`) and reports duplicates as one error:
 * `error converting YAML to JSON: yaml: unmarshal errors:\n  line 5: key "image" already set in map`.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { JsonSyntaxError, type StrictParseResult } from './strict-json.js';

/**
 * Parses one YAML document (YAML 1.2 core schema). `duplicates` holds at most one message listing every
 * duplicated key with its line; the value keeps the last occurrence. Throws JsonSyntaxError (message
 * prefixed `error converting YAML to JSON: yaml: `) on malformed YAML.
 */
export function parseYamlStrict(text: string): StrictParseResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: false, lineCounter });
  const bad = doc.errors[0];
  if (bad) {
    const line = bad.linePos?.[0]?.line;
    throw new JsonSyntaxError(`error converting YAML to JSON: yaml: ${line ? `line ${line}: ` : ''}${bad.message.split('\n')[0]}`);
  }
  const lines: string[] = [];
  const walk = (node: unknown): void => {
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const item of node.items) {
        const key = isScalar(item.key) ? String(item.key.value) : undefined;
        if (key !== undefined) {
          if (seen.has(key)) {
            const at = isScalar(item.key) ? item.key.range?.[0] : undefined;
            lines.push(`  line ${at === undefined ? '?' : lineCounter.linePos(at).line}: key ${JSON.stringify(key)} already set in map`);
          }
          seen.add(key);
        }
        walk(item.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) walk(item);
    }
  };
  walk(doc.contents);
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  const duplicates = lines.length ? [`error converting YAML to JSON: yaml: unmarshal errors:\n${lines.join('\n')}`] : [];
  return { value: value ?? null, duplicates };
}
