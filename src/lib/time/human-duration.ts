/**
 * A duration in words, as Docker's status columns and "ago" texts say it ("Less than a
 * second", "3 seconds", "About a minute", "2 hours", "3 weeks"). The thresholds and roundings
 * are those of go-units' HumanDuration, so berth's daemon and CLI print what Docker prints at
 * every boundary: seconds and minutes are truncated, hours are rounded, and days, weeks,
 * months and years are whole divisions of those rounded hours (years of the unrounded ones).
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(ms / 3_600_000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(ms / 3_600_000) / 24 / 365)} years`;
}
