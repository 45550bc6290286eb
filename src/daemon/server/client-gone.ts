/** Error codes that mean the peer closed or reset the connection, not that berth failed. */
const GONE_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END', 'ABORT_ERR']);

/** True when an error only says that the client went away (logged at debug, never answered). */
export function isClientGone(err: unknown): boolean {
  const seen = new Set<unknown>();
  let cur: unknown = err;
  while (cur && typeof cur === 'object' && !seen.has(cur)) {
    seen.add(cur);
    const e = cur as { code?: unknown; message?: unknown; name?: unknown };
    if (typeof e.code === 'string' && GONE_CODES.has(e.code)) return true;
    // IncomingMessage reports a request body cut short as a bare "aborted".
    if (e.message === 'aborted' || e.name === 'AbortError') return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}
