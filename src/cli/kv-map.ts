/** docker's map options (`-o k=v`, `--label k=v`, `--aux-address name=ip`): a value without "=" is a key with an empty value. */
export function kvMap(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq < 0) out[v] = '';
    else out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}
