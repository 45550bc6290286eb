/*
 * A SOCK_SEQPACKET client for Node, made for conmon's attach socket. Node has no seqpacket
 * sockets, and the bindings that exist read without pause: a client that stops draining would
 * make berthd buffer without bound. Here reading stops when JS says so (the socket is then left
 * unread and the sender blocks), writes never block (JS waits for "writable" instead), and the
 * descriptor is close-on-exec so containers and helpers never inherit it.
 *
 * JS API (one handle object per connection):
 *   connect(path, onPacket(buf), onEnd(errno), onWritable()) -> handle   (throws with .errno)
 *   pause(handle) / resume(handle)     stop / start reading packets
 *   write(handle, buf) -> n | -errno  one packet, never blocks (-EAGAIN: wait for onWritable)
 *   waitWritable(handle)              calls onWritable once when a write may succeed
 *   shutdownWrite(handle)             shutdown(SHUT_WR): the peer reads EOF on its side
 *   close(handle)                     idempotent; no callback runs after it
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <uv.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* conmon sends at most 8 KiB plus a stream byte per packet; more room costs nothing. */
#define RECV_BUF 65536
/* Packets handed to JS per poll wakeup, so one busy connection cannot starve the loop. */
#define MAX_PACKETS_PER_WAKE 64

typedef struct conn {
  napi_env env;
  int fd;
  uv_poll_t poll;
  int polling;       /* uv_poll_start was called and not yet stopped */
  int paused;
  int want_writable;
  int ended;         /* EOF or error reported: no more reading */
  int closed;
  int owners;        /* the poll handle and the JS external; freed when both let go */
  int depth;         /* JS callbacks running now: their context is released after them */
  int js_released;
  napi_ref on_packet, on_end, on_writable, self;
  napi_async_context async;
  char buf[RECV_BUF];
} conn_t;

#define CHECK(call) do { if ((call) != napi_ok) { napi_throw_error(env, NULL, #call " failed"); return NULL; } } while (0)

static void update_poll(conn_t *c);
static void release_js(conn_t *c);

static void call_js(conn_t *c, napi_ref fn_ref, size_t argc, napi_value *argv) {
  napi_env env = c->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value fn, recv, result;
  napi_get_reference_value(env, fn_ref, &fn);
  /* make_callback needs an object as receiver; the callbacks are closures and ignore it. */
  napi_get_global(env, &recv);
  /* make_callback, not call_function: it runs the microtasks the callback queued. */
  c->depth++;
  if (napi_make_callback(env, c->async, recv, fn, argc, argv, &result) == napi_pending_exception) {
    napi_value err;
    napi_get_and_clear_last_exception(env, &err);
    napi_fatal_exception(env, err);
  }
  c->depth--;
  napi_close_handle_scope(env, scope);
  /* JS closed the connection from inside the callback: its context outlived the call. */
  if (c->closed && c->depth == 0) release_js(c);
}

static void report_end(conn_t *c, int err) {
  if (c->ended || c->closed) return;
  c->ended = 1;
  update_poll(c);
  napi_handle_scope scope;
  napi_open_handle_scope(c->env, &scope);
  napi_value arg;
  napi_create_int32(c->env, err, &arg);
  call_js(c, c->on_end, 1, &arg);
  napi_close_handle_scope(c->env, scope);
}

static void on_poll(uv_poll_t *h, int status, int events) {
  conn_t *c = h->data;
  if (c->closed) return;
  if (status < 0) {
    report_end(c, -status);
    return;
  }
  if ((events & UV_WRITABLE) && c->want_writable) {
    c->want_writable = 0;
    update_poll(c);
    call_js(c, c->on_writable, 0, NULL);
    if (c->closed) return;
  }
  if (!(events & (UV_READABLE | UV_DISCONNECT))) return;
  for (int i = 0; i < MAX_PACKETS_PER_WAKE && !c->paused && !c->ended && !c->closed; i++) {
    ssize_t n = recv(c->fd, c->buf, RECV_BUF, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      report_end(c, errno);
      return;
    }
    if (n == 0) {
      report_end(c, 0);
      return;
    }
    napi_handle_scope scope;
    napi_open_handle_scope(c->env, &scope);
    napi_value buf;
    void *data;
    napi_create_buffer_copy(c->env, (size_t)n, c->buf, &data, &buf);
    call_js(c, c->on_packet, 1, &buf);
    napi_close_handle_scope(c->env, scope);
  }
}

static void update_poll(conn_t *c) {
  if (c->closed) return;
  int events = 0;
  if (!c->paused && !c->ended) events |= UV_READABLE | UV_DISCONNECT;
  if (c->want_writable) events |= UV_WRITABLE;
  if (events) {
    uv_poll_start(&c->poll, events, on_poll);
    c->polling = 1;
  } else if (c->polling) {
    uv_poll_stop(&c->poll);
    c->polling = 0;
  }
}

static void release(conn_t *c) {
  if (--c->owners == 0) free(c);
}

/* The fd is closed only once libuv is done with it: closing first would let a thread-pool
 * open() reuse the number before uv_close takes it out of the loop's epoll set. */
static void on_poll_closed(uv_handle_t *h) {
  conn_t *c = h->data;
  if (c->fd >= 0) close(c->fd);
  c->fd = -1;
  release(c);
}

static void close_fd(conn_t *c) {
  c->closed = 1;
  uv_close((uv_handle_t *)&c->poll, on_poll_closed);
}

static void release_js(conn_t *c) {
  if (c->js_released) return;
  c->js_released = 1;
  napi_env env = c->env;
  napi_delete_reference(env, c->on_packet);
  napi_delete_reference(env, c->on_end);
  napi_delete_reference(env, c->on_writable);
  napi_async_destroy(env, c->async);
}

static void close_conn(conn_t *c) {
  if (c->closed) return;
  close_fd(c);
  if (c->depth == 0) release_js(c);
}

/*
 * The callbacks are strong references, so an open handle is only collected when the whole
 * environment goes away; then the fd is closed and N-API frees the references itself.
 */
static void finalize_handle(napi_env env, void *data, void *hint) {
  (void)env; (void)hint;
  conn_t *c = data;
  if (!c->closed) close_fd(c);
  release(c);
}

static napi_value throw_errno(napi_env env, int err, const char *what) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_value message, error, code;
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message);
  napi_create_error(env, NULL, message, &error);
  napi_create_int32(env, err, &code);
  napi_set_named_property(env, error, "errno", code);
  napi_throw(env, error);
  return NULL;
}

static conn_t *get_conn(napi_env env, napi_value v) {
  void *data = NULL;
  if (napi_get_value_external(env, v, &data) != napi_ok || !data) {
    napi_throw_type_error(env, NULL, "not a seqpacket handle");
    return NULL;
  }
  return data;
}

static napi_value js_connect(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 4) { napi_throw_type_error(env, NULL, "connect(path, onPacket, onEnd, onWritable)"); return NULL; }
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  size_t len = 0;
  if (napi_get_value_string_utf8(env, argv[0], addr.sun_path, sizeof addr.sun_path, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "path must be a string");
    return NULL;
  }
  if (len >= sizeof addr.sun_path - 1) return throw_errno(env, ENAMETOOLONG, "connect");
  int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return throw_errno(env, errno, "socket");
  /* A unix socket connects at once or fails (EAGAIN: the listener's backlog is full). */
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, err, "connect");
  }
  conn_t *c = calloc(1, sizeof *c);
  if (!c) { close(fd); return throw_errno(env, ENOMEM, "connect"); }
  c->env = env;
  c->fd = fd;
  c->owners = 2;
  uv_loop_t *loop;
  CHECK(napi_get_uv_event_loop(env, &loop));
  if (uv_poll_init(loop, &c->poll, fd) != 0) {
    close(fd);
    free(c);
    return throw_errno(env, EINVAL, "uv_poll_init");
  }
  c->poll.data = c;
  napi_create_reference(env, argv[1], 1, &c->on_packet);
  napi_create_reference(env, argv[2], 1, &c->on_end);
  napi_create_reference(env, argv[3], 1, &c->on_writable);
  napi_value name;
  napi_create_string_utf8(env, "berth:seqpacket", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, NULL, name, &c->async);
  napi_value handle;
  CHECK(napi_create_external(env, c, finalize_handle, NULL, &handle));
  update_poll(c);
  return handle;
}

static napi_value one_arg(napi_env env, napi_callback_info info, conn_t **c, napi_value *second) {
  size_t argc = 2;
  napi_value argv[2];
  *c = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) {
    napi_throw_type_error(env, NULL, "missing handle");
    return NULL;
  }
  *c = get_conn(env, argv[0]);
  if (!*c) return NULL;
  if (second) *second = argc > 1 ? argv[1] : NULL;
  napi_value undef;
  napi_get_undefined(env, &undef);
  return undef;
}

static napi_value js_pause(napi_env env, napi_callback_info info) {
  conn_t *c;
  napi_value r = one_arg(env, info, &c, NULL);
  if (!c) return NULL;
  if (!c->closed) {
    c->paused = 1;
    update_poll(c);
  }
  return r;
}

static napi_value js_resume(napi_env env, napi_callback_info info) {
  conn_t *c;
  napi_value r = one_arg(env, info, &c, NULL);
  if (!c) return NULL;
  if (!c->closed) {
    c->paused = 0;
    update_poll(c);
  }
  return r;
}

static napi_value js_write(napi_env env, napi_callback_info info) {
  conn_t *c;
  napi_value data;
  if (!one_arg(env, info, &c, &data) || !c) return NULL;
  void *bytes;
  size_t len;
  if (!data || napi_get_buffer_info(env, data, &bytes, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "write(handle, buffer)");
    return NULL;
  }
  ssize_t n;
  if (c->closed) n = -EBADF;
  else {
    do n = send(c->fd, bytes, len, MSG_DONTWAIT | MSG_NOSIGNAL); while (n < 0 && errno == EINTR);
    if (n < 0) n = -errno;
  }
  napi_value out;
  napi_create_int64(env, n, &out);
  return out;
}

static napi_value js_wait_writable(napi_env env, napi_callback_info info) {
  conn_t *c;
  napi_value r = one_arg(env, info, &c, NULL);
  if (!c) return NULL;
  if (!c->closed) {
    c->want_writable = 1;
    update_poll(c);
  }
  return r;
}

static napi_value js_shutdown_write(napi_env env, napi_callback_info info) {
  conn_t *c;
  napi_value r = one_arg(env, info, &c, NULL);
  if (!c) return NULL;
  if (!c->closed) shutdown(c->fd, SHUT_WR);
  return r;
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  conn_t *c;
  napi_value r = one_arg(env, info, &c, NULL);
  if (!c) return NULL;
  close_conn(c);
  return r;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "connect", NULL, js_connect, NULL, NULL, NULL, napi_enumerable, NULL },
    { "pause", NULL, js_pause, NULL, NULL, NULL, napi_enumerable, NULL },
    { "resume", NULL, js_resume, NULL, NULL, NULL, napi_enumerable, NULL },
    { "write", NULL, js_write, NULL, NULL, NULL, napi_enumerable, NULL },
    { "waitWritable", NULL, js_wait_writable, NULL, NULL, NULL, napi_enumerable, NULL },
    { "shutdownWrite", NULL, js_shutdown_write, NULL, NULL, NULL, napi_enumerable, NULL },
    { "close", NULL, js_close, NULL, NULL, NULL, napi_enumerable, NULL },
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
