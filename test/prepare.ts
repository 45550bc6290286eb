// Run by scripts/test.sh before the test files start, with the files selected: makes the slow,
// cached inputs those files need. Making them inside a file would eat its per-file timeout (a
// debootstrap takes minutes the first time). A failure here is only logged: the file that needs
// the input then reports it (a missing prerequisite skips, or fails under CI=true).
import { debianRootfsTar } from './helpers/debian-rootfs.js';
import { findBinary } from './helpers/prereq.js';

const log = (msg: string): void => { process.stderr.write(`[test] ${msg}\n`); };
const files = process.argv.slice(2);

if (files.some((f) => f.includes('interop-debian')) && findBinary('debootstrap') && process.getuid?.() === 0) {
  try {
    await debianRootfsTar(log);
  } catch (err) {
    log(`could not make the Debian rootfs: ${err instanceof Error ? err.message : String(err)}`);
  }
}
