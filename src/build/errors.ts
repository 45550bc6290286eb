import { EngineError, errorOfKind, kindOf, messageOf } from '../lib/errors/index.js';

/** A RUN whose command exited non-zero: the build stops, and the client exits with that code. */
export class RunFailedError extends EngineError {
  override readonly code: string = 'ERR_BUILD_RUN_FAILED';
  constructor(readonly cmdLine: string[], readonly exitCode: number) {
    super(`The command '${cmdLine.join(' ')}' returned a non-zero code: ${exitCode}`);
  }
}

/** COPY and ADD failures read `COPY failed: …`, as Docker words them. */
export function copyFailure(kind: 'COPY' | 'ADD', err: unknown): unknown {
  if (!(err instanceof EngineError) || kindOf(err) === 'cancelled') return err;
  return errorOfKind(kindOf(err), `${kind} failed: ${messageOf(err)}`, err);
}
