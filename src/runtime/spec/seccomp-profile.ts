/**
 * Profiles in Docker's JSON format (`--security-opt seccomp=<file>`: the CLI sends the file's
 * content): decoded and checked at create, so a bad profile is a 400 then rather than a failed
 * start, and turned into the OCI form for one container at start.
 */
import { endianness } from 'node:os';
import { InvalidArgumentError } from '../../lib/errors/index.js';
import {
  SECCOMP_ACTIONS, SECCOMP_FLAGS, SECCOMP_OPERATORS,
  type OciSeccomp, type OciSeccompArg, type OciSyscallRule, type SeccompAction, type SeccompCondition,
  type SeccompOperator, type SeccompProfile, type SeccompProfileRule, type SeccompTarget,
} from './seccomp-types.js';

const ARCHITECTURES = new Set([
  'X86', 'X86_64', 'X32', 'ARM', 'AARCH64', 'MIPS', 'MIPS64', 'MIPS64N32', 'MIPSEL', 'MIPSEL64', 'MIPSEL64N32',
  'PPC', 'PPC64', 'PPC64LE', 'S390', 'S390X', 'PARISC', 'PARISC64', 'RISCV64', 'LOONGARCH64', 'M68K', 'SH', 'SHEB',
].map((a) => `SCMP_ARCH_${a}`));

/** Node's `process.arch` → the native name profiles use in `arches`, and the filter architecture. */
const NATIVE: Record<string, [native: string, scmp: string]> = {
  x64: ['amd64', 'SCMP_ARCH_X86_64'],
  ia32: ['x86', 'SCMP_ARCH_X86'],
  arm64: ['arm64', 'SCMP_ARCH_AARCH64'],
  arm: ['arm', 'SCMP_ARCH_ARM'],
  s390x: ['s390x', 'SCMP_ARCH_S390X'],
  s390: ['s390', 'SCMP_ARCH_S390'],
  ppc: ['ppc', 'SCMP_ARCH_PPC'],
  riscv64: ['riscv64', 'SCMP_ARCH_RISCV64'],
  loong64: ['loong64', 'SCMP_ARCH_LOONGARCH64'],
  mipsel: ['mipsle', 'SCMP_ARCH_MIPSEL'],
  mips64el: ['mipsel64', 'SCMP_ARCH_MIPSEL64'],
};

function nativeArch(nodeArch: string): [native: string, scmp: string] | undefined {
  if (nodeArch === 'ppc64') return endianness() === 'LE' ? ['ppc64le', 'SCMP_ARCH_PPC64LE'] : ['ppc64', 'SCMP_ARCH_PPC64'];
  return NATIVE[nodeArch];
}

class ProfileError extends InvalidArgumentError {
  constructor(reason: string) {
    super(`Decoding seccomp profile failed: ${reason}`);
  }
}

type Json = Record<string, unknown>;

/** Field names match case-insensitively, as Go's decoder (which Docker uses) matches them. */
function field(obj: Json, name: string): unknown {
  if (Object.hasOwn(obj, name)) return obj[name] ?? undefined;
  const lower = name.toLowerCase();
  const key = Object.keys(obj).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : obj[key] ?? undefined;
}

function kindOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function object(v: unknown, where: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ProfileError(`${where} must be an object, not ${kindOf(v)}`);
  return v as Json;
}

function string(v: unknown, where: string): string {
  if (typeof v !== 'string') throw new ProfileError(`${where} must be a string, not ${kindOf(v)}`);
  return v;
}

function strings(v: unknown, where: string): string[] {
  if (!Array.isArray(v)) throw new ProfileError(`${where} must be an array of strings, not ${kindOf(v)}`);
  return v.map((x, i) => string(x, `${where}[${i}]`));
}

function unsigned(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new ProfileError(`${where} must be a non-negative integer, not ${JSON.stringify(v)}`);
  // JSON numbers beyond 2^53 lose digits here and would reach the runtime as a different value.
  if (!Number.isSafeInteger(v)) throw new ProfileError(`${where}: ${v} is too large (at most ${Number.MAX_SAFE_INTEGER})`);
  return v;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], what: string, where: string): T {
  const s = string(v, where);
  if (!(allowed as readonly string[]).includes(s)) throw new ProfileError(`${where}: unknown ${what} "${s}"`);
  return s as T;
}

function architecture(v: unknown, where: string): string {
  const s = string(v, where);
  if (!ARCHITECTURES.has(s)) throw new ProfileError(`${where}: unknown architecture "${s}"`);
  return s;
}

function action(v: unknown, where: string): SeccompAction {
  const a = oneOf(v, SECCOMP_ACTIONS, 'action', where);
  // A notify rule needs an agent listening on a socket; berth runs none.
  if (a === 'SCMP_ACT_NOTIFY') throw new ProfileError(`${where}: SCMP_ACT_NOTIFY is not supported (berth runs no seccomp agent)`);
  return a;
}

/** "<kernel>.<major>", e.g. "4.8"; later parts are not allowed, as in Docker. */
function kernelVersion(v: unknown, where: string): [number, number] | undefined {
  const s = string(v, where);
  if (s === '') return undefined;
  const m = /^(\d{1,3})\.(\d{1,3})$/.exec(s);
  const bad = (why = ''): never => { throw new ProfileError(`invalid kernel version: "${s}", expected "<kernel>.<major>"${why}`); };
  if (!m) return bad();
  const version: [number, number] = [Number(m[1]), Number(m[2])];
  if (version[0] > 255 || version[1] > 255) return bad();
  if (version[0] === 0 && version[1] === 0) return bad(': version cannot be 0.0');
  return version;
}

function condition(v: unknown, where: string): SeccompCondition | undefined {
  if (v === undefined) return undefined;
  const o = object(v, where);
  const c: SeccompCondition = {};
  const caps = field(o, 'caps');
  if (caps !== undefined) c.caps = strings(caps, `${where}.caps`);
  const arches = field(o, 'arches');
  if (arches !== undefined) c.arches = strings(arches, `${where}.arches`);
  const minKernel = field(o, 'minKernel');
  if (minKernel !== undefined) {
    const k = kernelVersion(minKernel, `${where}.minKernel`);
    if (k) c.minKernel = k;
  }
  return c;
}

function argument(v: unknown, where: string): OciSeccompArg {
  const o = object(v, where);
  const index = unsigned(field(o, 'index') ?? 0, `${where}.index`);
  if (index > 5) throw new ProfileError(`${where}.index: a syscall has arguments 0 to 5, not ${index}`);
  const arg: OciSeccompArg = {
    index,
    value: unsigned(field(o, 'value') ?? 0, `${where}.value`),
    op: oneOf<SeccompOperator>(field(o, 'op'), SECCOMP_OPERATORS, 'operator', `${where}.op`),
  };
  const two = field(o, 'valueTwo');
  if (two !== undefined) arg.valueTwo = unsigned(two, `${where}.valueTwo`);
  return arg;
}

function rule(v: unknown, where: string): SeccompProfileRule {
  const o = object(v, where);
  const name = field(o, 'name');
  const names = field(o, 'names');
  let list = names === undefined ? [] : strings(names, `${where}.names`);
  if (name !== undefined && string(name, `${where}.name`) !== '') {
    if (list.length > 0) throw new InvalidArgumentError("both 'name' and 'names' are specified in the seccomp profile, use either 'name' or 'names'");
    list = [name as string];
  }
  if (list.length === 0 || list.includes('')) throw new ProfileError(`${where}: a rule needs at least one syscall name, and no empty one`);
  const r: SeccompProfileRule = { names: list, action: action(field(o, 'action'), `${where}.action`) };
  const errnoRet = field(o, 'errnoRet');
  if (errnoRet !== undefined) r.errnoRet = unsigned(errnoRet, `${where}.errnoRet`);
  const args = field(o, 'args');
  if (args !== undefined) {
    if (!Array.isArray(args)) throw new ProfileError(`${where}.args must be an array, not ${kindOf(args)}`);
    if (args.length > 0) r.args = args.map((a, i) => argument(a, `${where}.args[${i}]`));
  }
  const includes = condition(field(o, 'includes'), `${where}.includes`);
  if (includes) r.includes = includes;
  const excludes = condition(field(o, 'excludes'), `${where}.excludes`);
  if (excludes) r.excludes = excludes;
  return r;
}

/**
 * Decodes and checks a profile in Docker's format. Throws an invalid-argument error whose
 * message starts "Decoding seccomp profile failed:" (Docker's wording) with the reason.
 */
export function decodeSeccompProfile(text: string): SeccompProfile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ProfileError(`not valid JSON: ${(e as Error).message}`);
  }
  const o = object(raw, 'the profile');
  const profile: SeccompProfile = { syscalls: [] };
  const defaultAction = field(o, 'defaultAction');
  if (defaultAction !== undefined && defaultAction !== '') profile.defaultAction = action(defaultAction, 'defaultAction');
  const defaultErrnoRet = field(o, 'defaultErrnoRet');
  if (defaultErrnoRet !== undefined) profile.defaultErrnoRet = unsigned(defaultErrnoRet, 'defaultErrnoRet');
  const architectures = field(o, 'architectures');
  const archMap = field(o, 'archMap');
  if (architectures !== undefined) profile.architectures = strings(architectures, 'architectures').map((a, i) => architecture(a, `architectures[${i}]`));
  if (archMap !== undefined) {
    if (!Array.isArray(archMap)) throw new ProfileError(`archMap must be an array, not ${kindOf(archMap)}`);
    profile.archMap = archMap.map((entry, i) => {
      const e = object(entry, `archMap[${i}]`);
      const subs = field(e, 'subArchitectures');
      return {
        architecture: architecture(field(e, 'architecture'), `archMap[${i}].architecture`),
        subArchitectures: subs === undefined ? [] : strings(subs, `archMap[${i}].subArchitectures`).map((a, j) => architecture(a, `archMap[${i}].subArchitectures[${j}]`)),
      };
    });
  }
  if (profile.architectures?.length && profile.archMap?.length) {
    throw new InvalidArgumentError("both 'architectures' and 'archMap' are specified in the seccomp profile, use either 'architectures' or 'archMap'");
  }
  const flags = field(o, 'flags');
  if (flags !== undefined) profile.flags = strings(flags, 'flags').map((f, i) => oneOf(f, SECCOMP_FLAGS, 'flag', `flags[${i}]`));
  if (field(o, 'listenerPath')) throw new ProfileError('listenerPath is not supported (berth runs no seccomp agent)');
  const syscalls = field(o, 'syscalls');
  if (syscalls !== undefined) {
    if (!Array.isArray(syscalls)) throw new ProfileError(`syscalls must be an array, not ${kindOf(syscalls)}`);
    profile.syscalls = syscalls.map((s, i) => rule(s, `syscalls[${i}]`));
  }
  if (!profile.defaultAction && profile.syscalls.length > 0) throw new ProfileError('defaultAction is required when syscalls are listed');
  return profile;
}

/** [major, minor] of a kernel release such as "6.1.0-18-amd64"; distro suffixes are ignored. */
export function kernelOf(release: string): [number, number] {
  const m = /^(\d+)\.(\d+)/.exec(release);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

function atLeast(kernel: [number, number], min: [number, number]): boolean {
  return kernel[0] !== min[0] ? kernel[0] > min[0] : kernel[1] >= min[1];
}

/** Docker's rule: includes needs every condition met; excludes drops the rule when any one is. */
function applies(r: SeccompProfileRule, caps: ReadonlySet<string>, arch: string | undefined, kernel: [number, number]): boolean {
  const ex = r.excludes;
  if (ex) {
    if (arch !== undefined && ex.arches?.includes(arch)) return false;
    if (ex.caps?.some((c) => caps.has(c))) return false;
    if (ex.minKernel && atLeast(kernel, ex.minKernel)) return false;
  }
  const inc = r.includes;
  if (inc) {
    if (inc.arches?.length && (arch === undefined || !inc.arches.includes(arch))) return false;
    if (inc.caps?.some((c) => !caps.has(c))) return false;
    if (inc.minKernel && !atLeast(kernel, inc.minKernel)) return false;
  }
  return true;
}

/**
 * The OCI filter a profile gives one container, or undefined when the profile asks for none
 * (no default action and no rules, as Docker reads `{}`).
 */
export function seccompFromProfile(profile: SeccompProfile, target: SeccompTarget): OciSeccomp | undefined {
  if (!profile.defaultAction) return undefined;
  const [native, scmp] = nativeArch(target.arch) ?? [];
  const caps = new Set(target.capabilities);
  const kernel = kernelOf(target.kernel);
  const out: OciSeccomp = { defaultAction: profile.defaultAction };
  if (profile.defaultErrnoRet !== undefined) out.defaultErrnoRet = profile.defaultErrnoRet;
  const mapped = profile.archMap?.find((a) => a.architecture === scmp);
  const architectures = mapped ? [mapped.architecture, ...mapped.subArchitectures] : profile.architectures ?? [];
  if (architectures.length) out.architectures = architectures;
  if (profile.flags?.length) out.flags = [...profile.flags];
  out.syscalls = profile.syscalls.filter((r) => applies(r, caps, native, kernel)).map((r) => {
    const s: OciSyscallRule = { names: [...r.names], action: r.action };
    if (r.errnoRet !== undefined) s.errnoRet = r.errnoRet;
    if (r.args) s.args = r.args.map((a) => ({ ...a }));
    return s;
  });
  return out;
}
