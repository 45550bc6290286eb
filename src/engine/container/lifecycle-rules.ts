import { InternalError, InvalidArgumentError } from '../../lib/errors/index.js';
import type { ContainerRecord } from './model.js';

/** Whether a container that just exited should be started again under its restart policy. */
export function shouldRestart(rec: ContainerRecord, manuallyStopped: boolean): boolean {
  const p = rec.hostConfig.RestartPolicy ?? { Name: 'no' };
  if (manuallyStopped) return false;
  switch (p.Name) {
    case 'always':
    case 'unless-stopped':
      return true;
    case 'on-failure':
      return rec.state.exitCode !== 0 && (!p.MaximumRetryCount || rec.restartCount < p.MaximumRetryCount);
    default:
      return false;
  }
}

/**
 * Whether berthd starts a stopped container when it boots, as Docker's daemon does: `always`
 * even after a manual stop, `unless-stopped` unless stopped by a user, `on-failure` after a
 * non-zero exit (within its retries). Only containers that ran before.
 */
export function shouldStartOnBoot(rec: ContainerRecord): boolean {
  if (!rec.hasBeenStarted || rec.hostConfig.AutoRemove) return false;
  if (rec.state.status !== 'exited') return false;
  const p = rec.hostConfig.RestartPolicy ?? { Name: 'no' };
  switch (p.Name) {
    case 'always':
      return true;
    case 'unless-stopped':
      return rec.manuallyStopped !== true;
    case 'on-failure':
      return rec.state.exitCode !== 0 && (!p.MaximumRetryCount || rec.restartCount < p.MaximumRetryCount);
    default:
      return false;
  }
}

/** The exit code Docker records for a failed start: 127 not found, 126 not executable. */
export function exitCodeForStartError(msg: string): number {
  if (/executable file not found|no such file or directory/i.test(msg)) return 127;
  if (/permission denied|exec format error|is a directory/i.test(msg)) return 126;
  return 128;
}

/** Docker answers 400 when the command cannot be found or run, 500 otherwise. */
export function startError(msg: string, cause: unknown): Error {
  if (/executable file not found|no such file or directory|permission denied|exec format error|is a directory|unable to find user/i.test(msg)) {
    return new InvalidArgumentError(msg, { cause });
  }
  if (cause && typeof cause === 'object' && 'kind' in cause) return cause as unknown as Error;
  return new InternalError(msg, { cause });
}
