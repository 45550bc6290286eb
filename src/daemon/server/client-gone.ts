/** Error codes that mean the peer closed or reset the connection, not that berth failed. */
const GONE_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END']);

/**
 * True when an error is of the kind a vanished peer causes. Streams inside berth can fail the
 * same way, so the server also checks that the request's own connection is gone.
 */
export function isClientGone(err: unknown): boolean {
  const seen = new Set<unknown>();
  let cur: unknown = err;
  while (cur && typeof cur === 'object' && !seen.has(cur)) {
    seen.add(cur);
    const e = cur as { code?: unknown; message?: unknown; name?: unknown };
    if (typeof e.code === 'string' && GONE_CODES.has(e.code)) return true;
    // IncomingMessage reports a request body cut short as a bare "aborted".
    if (e.message === 'aborted') return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}
