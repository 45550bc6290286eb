/**
 * Seccomp in two shapes: the OCI runtime spec's `linux.seccomp` object that runc and crun read,
 * and the conditional profile format Docker users write (`--security-opt seccomp=<file>`), which
 * adds rules that apply only for some capabilities, architectures or kernels.
 */

export const SECCOMP_ACTIONS = [
  'SCMP_ACT_KILL', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_TRAP', 'SCMP_ACT_ERRNO',
  'SCMP_ACT_TRACE', 'SCMP_ACT_ALLOW', 'SCMP_ACT_LOG', 'SCMP_ACT_NOTIFY',
] as const;
export type SeccompAction = (typeof SECCOMP_ACTIONS)[number];

export const SECCOMP_OPERATORS = [
  'SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ',
] as const;
export type SeccompOperator = (typeof SECCOMP_OPERATORS)[number];

export const SECCOMP_FLAGS = [
  'SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW', 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV',
] as const;

/** One comparison of a syscall argument; for SCMP_CMP_MASKED_EQ, `value` is the mask and `valueTwo` the expected result. */
export interface OciSeccompArg {
  index: number;
  value: number;
  valueTwo?: number;
  op: SeccompOperator;
}

/** Rules are ORed; the `args` of one rule are ANDed. */
export interface OciSyscallRule {
  names: string[];
  action: SeccompAction;
  errnoRet?: number;
  args?: OciSeccompArg[];
}

export interface OciSeccomp {
  defaultAction: SeccompAction;
  defaultErrnoRet?: number;
  architectures?: string[];
  flags?: string[];
  syscalls?: OciSyscallRule[];
}

/** When a profile rule applies. Architectures are the host's native names (`amd64`, `arm64`...). */
export interface SeccompCondition {
  /** includes: every one held; excludes: any one held (the bounding set, CAP_-prefixed). */
  caps?: string[];
  arches?: string[];
  /** [major, minor]: includes: the running kernel is at least this; excludes: it is. */
  minKernel?: [number, number];
}

export interface SeccompProfileRule extends OciSyscallRule {
  includes?: SeccompCondition;
  excludes?: SeccompCondition;
}

/** A profile in Docker's JSON format, decoded and checked (see seccomp-profile.ts). */
export interface SeccompProfile {
  defaultAction?: SeccompAction;
  defaultErrnoRet?: number;
  /** A fixed list, or... */
  architectures?: string[];
  /** ...per native architecture, the one used on this host and its sub-architectures. */
  archMap?: Array<{ architecture: string; subArchitectures: string[] }>;
  flags?: string[];
  syscalls: SeccompProfileRule[];
}

/** What a profile is evaluated against: the container's capabilities and the host. */
export interface SeccompTarget {
  /** Bounding set, CAP_-prefixed. */
  capabilities: readonly string[];
  /** Node's name for the CPU architecture (`process.arch`). */
  arch: string;
  /** The kernel release (`os.release()`), e.g. "6.1.0-18-amd64". */
  kernel: string;
  /** False when the kernel cannot run x32 binaries: the built-in filter then leaves that ABI out. */
  x32?: boolean;
}
