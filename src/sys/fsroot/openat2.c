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
 *   lxattrs(path) -> [[name, Buffer], ...]   (extended attributes, the last component not followed)
 *   lsetxattr(path, name, Buffer)           (likewise; Node has no xattr API of its own)
 * Callers name files as /proc/self/fd/<pinned dir>/<one name>, so the walk cannot be steered.
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
#include <sys/xattr.h>
#include <linux/limits.h>
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
    case EOPNOTSUPP: name = "EOPNOTSUPP"; break;
    case ENODATA: name = "ENODATA"; break;
    case ERANGE: name = "ERANGE"; break;
    case E2BIG: name = "E2BIG"; break;
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

static int path_arg(napi_env env, napi_value v, char *buf, size_t size) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, buf, size, &len) != napi_ok) return EINVAL;
  if (len >= size - 1 || strlen(buf) != len) return ENAMETOOLONG;
  return 0;
}

/* Lists and reads every extended attribute of path (not following a final symlink). A list or
 * value that grows between the size query and the read is asked for again. */
static napi_value js_lxattrs(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char path[MAX_PATH + 1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 1) {
    napi_throw_type_error(env, NULL, "lxattrs(path)");
    return NULL;
  }
  int perr = path_arg(env, argv[0], path, sizeof path);
  if (perr) return throw_errno(env, perr, "lxattrs");
  char *names = NULL;
  ssize_t n;
  for (int tries = 0;; tries++) {
    n = llistxattr(path, NULL, 0);
    if (n < 0) {
      int e = errno;
      free(names);
      return throw_errno(env, e, "llistxattr");
    }
    free(names);
    names = malloc(n > 0 ? (size_t)n : 1);
    if (!names) return throw_errno(env, ENOMEM, "llistxattr");
    n = llistxattr(path, names, (size_t)n);
    if (n >= 0) break;
    if (errno != ERANGE || tries > 8) {
      int e = errno;
      free(names);
      return throw_errno(env, e, "llistxattr");
    }
  }
  napi_value out;
  napi_create_array(env, &out);
  uint32_t idx = 0;
  for (ssize_t off = 0; off < n; off += (ssize_t)strlen(names + off) + 1) {
    const char *name = names + off;
    ssize_t vlen;
    char *val = NULL;
    for (int tries = 0;; tries++) {
      vlen = lgetxattr(path, name, NULL, 0);
      if (vlen < 0) break;
      free(val);
      val = malloc(vlen > 0 ? (size_t)vlen : 1);
      if (!val) { vlen = -1; errno = ENOMEM; break; }
      vlen = lgetxattr(path, name, val, (size_t)vlen);
      if (vlen >= 0 || errno != ERANGE || tries > 8) break;
    }
    if (vlen < 0) {
      int e = errno;
      free(val);
      if (e == ENODATA) continue; /* removed meanwhile */
      free(names);
      return throw_errno(env, e, "lgetxattr");
    }
    napi_value pair, jname, jval;
    void *data;
    napi_create_array_with_length(env, 2, &pair);
    napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &jname);
    napi_create_buffer_copy(env, (size_t)vlen, val, &data, &jval);
    free(val);
    napi_set_element(env, pair, 0, jname);
    napi_set_element(env, pair, 1, jval);
    napi_set_element(env, out, idx++, pair);
  }
  free(names);
  return out;
}

static napi_value js_lsetxattr(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  char path[MAX_PATH + 1];
  char name[XATTR_NAME_MAX + 1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 3) {
    napi_throw_type_error(env, NULL, "lsetxattr(path, name, buffer)");
    return NULL;
  }
  int perr = path_arg(env, argv[0], path, sizeof path);
  if (!perr) perr = path_arg(env, argv[1], name, sizeof name);
  if (perr) return throw_errno(env, perr, "lsetxattr");
  void *data;
  size_t len;
  if (napi_get_buffer_info(env, argv[2], &data, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "lsetxattr: value must be a Buffer");
    return NULL;
  }
  if (lsetxattr(path, name, data, len, 0) < 0) return throw_errno(env, errno, "lsetxattr");
  return NULL;
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
  napi_create_function(env, "lxattrs", NAPI_AUTO_LENGTH, js_lxattrs, NULL, &fn);
  napi_set_named_property(env, exports, "lxattrs", fn);
  napi_create_function(env, "lsetxattr", NAPI_AUTO_LENGTH, js_lsetxattr, NULL, &fn);
  napi_set_named_property(env, exports, "lsetxattr", fn);
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
