// Query-parameter conversions shared by the API server and the kubelet server (apimachinery `runtime/conversion.go`).

/**
 * Parses a boolean query parameter as apimachinery's `Convert_Slice_string_To_bool` does: absent (null or
 * undefined) is false; present is true unless it is `0` or, case-insensitively, `false`. So `watch=True`,
 * `follow=1`, `stdout=yes` and a bare `stdin=` are all true, as the Python client and old clients send them.
 */
export function parseQueryBool(value: string | null | undefined): boolean {
  if (value === null || value === undefined) return false;
  return !(value === '0' || value.toLowerCase() === 'false');
}

/** {@link parseQueryBool} of the first value of `name` in `q`. */
export function queryBool(q: URLSearchParams, name: string): boolean {
  return parseQueryBool(q.get(name));
}
