// A tiny static program that makes the syscalls busybox cannot make on demand, and prints
// for each one `name=OK` or `name=<errno name>`, so a test can see what the filter answered.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SOURCE = String.raw`
#define _GNU_SOURCE
#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Numbers shared by x86_64 and arm64 for calls newer than the C library's headers. */
#define NR_io_uring_setup 425
#define NR_clone3 435
#define NR_lsm_get_self_attr 459
#define NR_lsm_list_modules 461
#define NR_open_tree_attr 467

static long forked(long r) {
  if (r == 0) _exit(0);
  if (r > 0) waitpid((pid_t)r, NULL, __WALL);
  return r;
}

static long call(const char *name) {
  char buf[4096];
  uint64_t u64[8] = {0};
  uint32_t size = sizeof(buf);
  if (!strcmp(name, "personality_query")) return personality(0xffffffff);
  if (!strcmp(name, "personality_linux32")) { long r = personality(PER_LINUX32); personality(PER_LINUX); return r; }
  if (!strcmp(name, "personality_read_implies_exec")) { long r = personality(READ_IMPLIES_EXEC); personality(PER_LINUX); return r; }
  if (!strcmp(name, "clone_process")) return forked(syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0));
  if (!strcmp(name, "clone_newuser")) return forked(syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0));
  if (!strcmp(name, "clone_newns")) return forked(syscall(SYS_clone, CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0));
  if (!strcmp(name, "clone3")) { u64[4] = SIGCHLD; return forked(syscall(NR_clone3, u64, 64)); }
  if (!strcmp(name, "socket_inet")) return socket(AF_INET, SOCK_STREAM, 0);
  if (!strcmp(name, "socket_unix")) return socket(AF_UNIX, SOCK_STREAM, 0);
  if (!strcmp(name, "socket_alg")) return socket(38, SOCK_SEQPACKET, 0);
  if (!strcmp(name, "socket_vsock")) return socket(40, SOCK_STREAM, 0);
  if (!strcmp(name, "keyctl")) return syscall(SYS_keyctl, 0 /* GET_KEYRING_ID */, -3 /* session */, 0);
  if (!strcmp(name, "add_key")) return syscall(SYS_add_key, "user", "berth-probe", "x", 1, -3);
  if (!strcmp(name, "io_uring_setup")) return syscall(NR_io_uring_setup, 1, buf);
  if (!strcmp(name, "bpf")) return syscall(SYS_bpf, 0, buf, 0);
  if (!strcmp(name, "setns")) return syscall(SYS_setns, -1, 0);
  if (!strcmp(name, "ptrace_traceme")) {
    int st = 0;
    pid_t p = fork();
    if (p == 0) _exit(syscall(SYS_ptrace, 0 /* TRACEME */, 0, 0, 0) == 0 ? 0 : errno);
    waitpid(p, &st, 0);
    errno = WEXITSTATUS(st);
    return errno ? -1 : 0;
  }
  if (!strcmp(name, "chroot")) return chroot("/");
  if (!strcmp(name, "open_tree_attr")) return syscall(NR_open_tree_attr, -1, "", 0, NULL, 0);
  if (!strcmp(name, "lsm_list_modules")) return syscall(NR_lsm_list_modules, u64, &size, 0);
  if (!strcmp(name, "lsm_get_self_attr")) return syscall(NR_lsm_get_self_attr, 100 /* LSM_ATTR_CURRENT */, buf, &size, 0);
  errno = 0;
  return -2;
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    errno = 0;
    long r = call(argv[i]);
    if (r == -2 && errno == 0) { fprintf(stderr, "unknown probe %s\n", argv[i]); return 2; }
    if (r < 0) printf("%s=%s\n", argv[i], strerrorname_np(errno));
    else printf("%s=OK\n", argv[i]);
  }
  return 0;
}
`;

/** Compiles the probe into dir (gcc -static, so it runs in a busybox container) and returns its path. */
export function buildSyscallProbe(dir: string): string {
  const src = join(dir, 'probe.c');
  const bin = join(dir, 'probe');
  writeFileSync(src, SOURCE);
  execFileSync('gcc', ['-static', '-O1', '-o', bin, src], { stdio: 'pipe' });
  return bin;
}

/** Parses the probe's `name=RESULT` lines. */
export function probeResults(stdout: string): Record<string, string> {
  return Object.fromEntries(stdout.trim().split('\n').map((l) => l.split('=') as [string, string]));
}
