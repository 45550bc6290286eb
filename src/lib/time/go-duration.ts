/** Go's Duration.String: `0s`, `1.5ms`, `2m0s`, `1h0m30.5s`. */
export function goDurationText(ns: number): string {
  if (!Number.isFinite(ns) || ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  let u = Math.abs(Math.trunc(ns));
  const decimal = (whole: number, frac: number, digits: number): string => {
    const f = String(frac).padStart(digits, '0').replace(/0+$/, '');
    return f ? `${whole}.${f}` : String(whole);
  };
  if (u < 1e3) return `${sign}${u}ns`;
  if (u < 1e6) return `${sign}${decimal(Math.floor(u / 1e3), u % 1e3, 3)}µs`;
  if (u < 1e9) return `${sign}${decimal(Math.floor(u / 1e6), u % 1e6, 6)}ms`;
  const h = Math.floor(u / 3600e9);
  u -= h * 3600e9;
  const m = Math.floor(u / 60e9);
  u -= m * 60e9;
  let out = sign;
  if (h) out += `${h}h`;
  if (h || m) out += `${m}m`;
  return `${out}${decimal(Math.floor(u / 1e9), u % 1e9, 9)}s`;
}
