/**
 * Messages carry what clients sent (paths, names): control characters are escaped and further
 * lines indented, so no request can forge a log entry of its own or turn the log binary.
 */
export function logSafe(msg: string): string {
  return msg
    .replace(/[\x00-\x09\x0b-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/\n/g, '\n    ');
}
