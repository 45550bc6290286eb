/**
 * A process the runtime could not start: 127 when the command does not exist, 126 when it
 * exists but cannot run (a directory, no exec bit) or anything else went wrong first, as
 * shells and Docker do.
 */
export function startFailureExitCode(runtimeMessage: string): number {
  return /executable file not found|exec: "[^"]*": no such file or directory/.test(runtimeMessage) ? 127 : 126;
}

/** The line Docker prints in the exec's output in place of the process's. */
export function startFailureMessage(runtimeMessage: string): string {
  return `OCI runtime exec failed: ${runtimeMessage}: unknown`;
}
