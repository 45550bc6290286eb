/**
 * Runs one health-check probe as an exec in a running container: the health monitor's only way
 * into the container. The output is stdout and stderr together; `timedOut` says the probe was
 * killed because it ran past `timeoutMs`. Aborting `signal` kills the probe.
 */
export interface ProbeRunner {
  runProbe(containerRef: string, argv: string[], opts: { timeoutMs: number; signal?: AbortSignal }):
    Promise<{ exitCode: number; output: string; timedOut: boolean }>;
}
