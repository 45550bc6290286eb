/** What a probe run reports. */
export interface ProbeResult {
  exitCode: number;
  output: string;
  timedOut: boolean;
}

/** Runs health-check probes (or any short command) in containers. */
export interface ProbeRunner {
  /** Runs argv as an exec in the running container. Output (stdout+stderr interleaved) is cut
   *  at 4096 bytes (a 4097th byte, if any, says there was more). On timeout the process is
   *  killed and timedOut is true. Never blocks other operations on the container. */
  runProbe(containerRef: string, argv: string[], opts: { timeoutMs: number; signal?: AbortSignal }): Promise<ProbeResult>;
}
