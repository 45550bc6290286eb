/**
 * A duration in words the way Docker's status column says it ("Less than a second",
 * "3 seconds", "About a minute", "2 hours", "3 weeks").
 */
export function humanDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 1) return 'Less than a second';
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  const m = Math.round(s / 60);
  if (m === 1) return 'About a minute';
  if (m < 60) return `${m} minutes`;
  const h = Math.round(s / 3600);
  if (h === 1) return 'About an hour';
  if (h < 48) return `${h} hours`;
  const d = h / 24;
  if (d < 7 * 2) return `${Math.round(d)} days`;
  if (d < 30 * 3) return `${Math.round(d / 7)} weeks`;
  if (d < 365 * 2) return `${Math.round(d / 30)} months`;
  return `${Math.round(d / 365)} years`;
}
