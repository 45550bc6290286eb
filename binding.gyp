{
  "targets": [
    {
      "target_name": "berth_seqpacket",
      "sources": ["src/runtime/conmon/native/seqpacket.c"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-O2"]
    }
  ]
}
