/**
 * Aligns tab-separated cells into columns the way Go's tabwriter does with docker's settings
 * (minwidth 10, padding 3, spaces): each column is as wide as its widest cell plus 3, at least
 * 10; the last cell of a line is never padded.
 */
export function alignTable(text: string, minWidth = 10, padding = 3): string {
  const lines = text.split('\n');
  const rows = lines.map((l) => l.split('\t'));
  const widths: number[] = [];
  for (const row of rows) {
    row.slice(0, -1).forEach((cell, k) => {
      widths[k] = Math.max(widths[k] ?? 0, Math.max(minWidth, width(cell) + padding));
    });
  }
  return rows.map((row) => row.map((cell, k) => (k < row.length - 1 ? cell + ' '.repeat(widths[k]! - width(cell)) : cell)).join('')).join('\n');
}

/** Display width: one per code point (docker's tables hold ids, names and ASCII mostly). */
function width(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}
