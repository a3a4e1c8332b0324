// `$(VAR)` expansion of env values, command, args and subPathExpr (third_party/forked/golang/expansion/expand.go).

/**
 * Expands `$(NAME)` references in `input` using `lookup`: a known NAME is replaced by its value, an unknown one
 * is left as `$(NAME)`; `$$` yields `$`; a `$` followed by anything else, an unclosed `$(`, and a trailing `$`
 * are kept verbatim. `onMissing` is told about every reference `lookup` could not resolve.
 */
export function expand(input: string, lookup: (name: string) => string | undefined, onMissing?: (name: string) => void): string {
  let out = '';
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (ch !== '$' || i + 1 >= input.length) {
      out += ch;
      i++;
      continue;
    }
    const next = input[i + 1]!;
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, close);
      const value = name ? lookup(name) : undefined;
      if (value === undefined) {
        if (name) onMissing?.(name);
        out += input.slice(i, close + 1);
      } else {
        out += value;
      }
      i = close + 1;
      continue;
    }
    out += ch + next;
    i += 2;
  }
  return out;
}
