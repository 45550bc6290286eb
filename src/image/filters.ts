/** Docker's label filters: "k" (present) or "k=v" must all match; `notWant` must all miss. */
export function labelsMatch(labels: Record<string, string>, want: string[], notWant: string[]): boolean {
  const has = (f: string): boolean => {
    const eq = f.indexOf('=');
    if (eq < 0) return Object.hasOwn(labels, f);
    return labels[f.slice(0, eq)] === f.slice(eq + 1);
  };
  return want.every(has) && !notWant.some(has);
}
