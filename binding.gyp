{
  "targets": [
    {
      "target_name": "berth_seqpacket",
      "sources": ["src/runtime/conmon/native/seqpacket.c"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-O2"]
    },
    {
      "target_name": "berth_fsroot",
      "sources": ["src/sys/fsroot/openat2.c"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-O2"]
    }
  ]
}
