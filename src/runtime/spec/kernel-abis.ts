/**
 * Whether the running kernel can run x32 binaries (the 64-bit x86 ABI with 32-bit pointers).
 * Few kernels enable it; when it is compiled out, the seccomp filter can leave the ABI out:
 * the calls fail either way, and the runtime compiles a third less filter at every start.
 */
import { readFileSync } from 'node:fs';
import { release } from 'node:os';
import { gunzipSync } from 'node:zlib';

let cached: boolean | undefined;

/** From the kernel's build configuration, read once; true when it cannot be read, as the safe guess. */
export function kernelRunsX32(): boolean {
  if (process.arch !== 'x64') return false;
  cached ??= readX32Config();
  return cached;
}

function readX32Config(): boolean {
  const sources: Array<() => string> = [
    () => gunzipSync(readFileSync('/proc/config.gz')).toString('latin1'),
    () => readFileSync(`/boot/config-${release()}`, 'latin1'),
  ];
  for (const read of sources) {
    let config: string;
    try {
      config = read();
    } catch {
      continue;
    }
    return /^CONFIG_X86_X32(_ABI)?=y$/m.test(config);
  }
  return true;
}
