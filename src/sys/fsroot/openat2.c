/*
 * openat2(2) for Node, so berthd can open paths inside a container's root without ever leaving it.
 * Node's fs follows symlinks in every component and cannot confine a lookup; with
 * RESOLVE_IN_ROOT the kernel treats the given directory as "/" for the whole walk (absolute
 * symlinks and ".." stop there), atomically, so a container that swaps symlinks under the path
 * while it is resolved still cannot make it name a host file.
 *
 * JS API:
 *   openat2(dirfd, path, flags, mode, resolve) -> fd   (close-on-exec; throws with .code/.errno)
 *   constants: { O_PATH, RESOLVE_IN_ROOT, RESOLVE_NO_MAGICLINKS, RESOLVE_NO_SYMLINKS, RESOLVE_BENEATH, RESOLVE_NO_XDEV }
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

/* A path longer than PATH_MAX would fail in the kernel anyway; refuse it before copying. */
#define MAX_PATH 4096

static napi_value throw_errno(napi_env env, int err, const char *what) {
  napi_value msg, code, errno_v, error;
  char text[256];
  snprintf(text, sizeof text, "%s: %s", what, strerror(err));
  const char *name = "EIO";
  switch (err) {
    case ENOENT: name = "ENOENT"; break;
    case ENOTDIR: name = "ENOTDIR"; break;
    case ELOOP: name = "ELOOP"; break;
    case EXDEV: name = "EXDEV"; break;
    case EACCES: name = "EACCES"; break;
    case EPERM: name = "EPERM"; break;
    case EEXIST: name = "EEXIST"; break;
    case EISDIR: name = "EISDIR"; break;
    case EROFS: name = "EROFS"; break;
    case EAGAIN: name = "EAGAIN"; break;
    case ENAMETOOLONG: name = "ENAMETOOLONG"; break;
    case EINVAL: name = "EINVAL"; break;
    case ENOSYS: name = "ENOSYS"; break;
    case EMFILE: name = "EMFILE"; break;
    case ENOSPC: name = "ENOSPC"; break;
    case EBADF: name = "EBADF"; break;
    default: break;
  }
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &msg);
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &code);
  napi_create_error(env, code, msg, &error);
  napi_create_int32(env, -err, &errno_v);
  napi_set_named_property(env, error, "errno", errno_v);
  napi_set_named_property(env, error, "code", code);
  napi_throw(env, error);
  return NULL;
}

static napi_value js_openat2(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 5) {
    napi_throw_type_error(env, NULL, "openat2(dirfd, path, flags, mode, resolve)");
    return NULL;
  }
  int32_t dirfd, flags, mode;
  int64_t resolve;
  char path[MAX_PATH + 1];
  size_t len = 0;
  if (napi_get_value_int32(env, argv[0], &dirfd) != napi_ok ||
      napi_get_value_int32(env, argv[2], &flags) != napi_ok ||
      napi_get_value_int32(env, argv[3], &mode) != napi_ok ||
      napi_get_value_int64(env, argv[4], &resolve) != napi_ok) {
    napi_throw_type_error(env, NULL, "openat2: numbers expected");
    return NULL;
  }
  if (napi_get_value_string_utf8(env, argv[1], path, sizeof path, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "openat2: path must be a string");
    return NULL;
  }
  if (len >= MAX_PATH) return throw_errno(env, ENAMETOOLONG, "openat2");
  if (strlen(path) != len) return throw_errno(env, EINVAL, "openat2");
  struct open_how how;
  memset(&how, 0, sizeof how);
  how.flags = (uint64_t)(uint32_t)flags | O_CLOEXEC;
  /* The kernel refuses a mode without O_CREAT/O_TMPFILE. */
  how.mode = (flags & (O_CREAT | __O_TMPFILE)) ? (uint64_t)mode : 0;
  how.resolve = (uint64_t)resolve;
  long fd;
  do {
    fd = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
  } while (fd < 0 && errno == EINTR);
  /* EAGAIN: RESOLVE_IN_ROOT saw a concurrent rename and gave up; a retry is the documented answer. */
  for (int tries = 0; fd < 0 && errno == EAGAIN && tries < 16; tries++) {
    fd = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
  }
  if (fd < 0) return throw_errno(env, errno, "openat2");
  napi_value out;
  napi_create_int32(env, (int32_t)fd, &out);
  return out;
}

static void set_const(napi_env env, napi_value obj, const char *name, int64_t v) {
  napi_value n;
  napi_create_int64(env, v, &n);
  napi_set_named_property(env, obj, name, n);
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn, consts;
  napi_create_function(env, "openat2", NAPI_AUTO_LENGTH, js_openat2, NULL, &fn);
  napi_set_named_property(env, exports, "openat2", fn);
  napi_create_object(env, &consts);
  set_const(env, consts, "O_PATH", O_PATH);
  set_const(env, consts, "RESOLVE_IN_ROOT", RESOLVE_IN_ROOT);
  set_const(env, consts, "RESOLVE_NO_MAGICLINKS", RESOLVE_NO_MAGICLINKS);
  set_const(env, consts, "RESOLVE_NO_SYMLINKS", RESOLVE_NO_SYMLINKS);
  set_const(env, consts, "RESOLVE_BENEATH", RESOLVE_BENEATH);
  set_const(env, consts, "RESOLVE_NO_XDEV", RESOLVE_NO_XDEV);
  napi_set_named_property(env, exports, "constants", consts);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
