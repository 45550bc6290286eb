import type { ExecConfig } from '../../../api/container.js';
import type { ExecProcess } from '../../../runtime/types.js';

/** One exec instance: what was asked for, and what became of it. Kept in memory only. */
export interface ExecRecord {
  id: string;
  containerId: string;
  config: Required<Pick<ExecConfig, 'Cmd' | 'Env' | 'User' | 'WorkingDir' | 'Tty' | 'Privileged' | 'AttachStdin' | 'AttachStdout' | 'AttachStderr' | 'DetachKeys'>>;
  consoleSize?: { height: number; width: number };
  started: boolean;
  running: boolean;
  exitCode: number | null;
  pid: number;
  /** The live process while running (for resize). */
  process?: ExecProcess;
}
