/** One physical line of a k8s-file log as written by conmon. */
export interface LogLine {
  /** RFC3339Nano, normalized to "Z" when the offset is +00:00. */
  time: string;
  /** Seconds since the epoch (fractional, for since/until comparisons). */
  seconds: number;
  stream: 'stdout' | 'stderr';
  /** "P": the line continues in the next record of the same stream; "F": it ends here. */
  partial: boolean;
  /** The content without the trailing newline. */
  content: Buffer;
}

const SPACE = 0x20;

/**
 * Parses `<RFC3339Nano> <stdout|stderr> <F|P> <content>` (content may be empty or binary).
 * Returns undefined for a malformed line, which readers skip rather than fail on.
 */
export function parseLogLine(line: Buffer): LogLine | undefined {
  const s1 = line.indexOf(SPACE);
  if (s1 < 0) return undefined;
  const s2 = line.indexOf(SPACE, s1 + 1);
  if (s2 < 0) return undefined;
  const s3 = line.indexOf(SPACE, s2 + 1);
  const tagEnd = s3 < 0 ? line.length : s3;
  const stream = line.toString('latin1', s1 + 1, s2);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const tag = line.toString('latin1', s2 + 1, tagEnd);
  if (tag !== 'F' && tag !== 'P') return undefined;
  const rawTime = line.toString('latin1', 0, s1);
  const seconds = parseTimestamp(rawTime);
  if (seconds === undefined) return undefined;
  return {
    time: rawTime.replace(/\+00:00$/, 'Z'),
    seconds,
    stream,
    partial: tag === 'P',
    content: s3 < 0 ? Buffer.alloc(0) : line.subarray(s3 + 1),
  };
}

/** Seconds since the epoch of an RFC3339 timestamp with up to nanosecond precision. */
export function parseTimestamp(text: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!m) return undefined;
  const whole = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(whole)) return undefined;
  const frac = m[2] ? Number(`0.${m[2]}`) : 0;
  return whole / 1000 + frac;
}
