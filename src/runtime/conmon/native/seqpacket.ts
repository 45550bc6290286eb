import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** An open connection of the native addon; only the functions below use it. */
export type SeqpacketHandle = { readonly __seqpacket: unique symbol };

/** The addon built from seqpacket.c (see the comment there for what each call does). */
export interface SeqpacketBinding {
  connect(path: string, onPacket: (packet: Buffer) => void, onEnd: (errno: number) => void, onWritable: () => void): SeqpacketHandle;
  pause(h: SeqpacketHandle): void;
  resume(h: SeqpacketHandle): void;
  /** Bytes sent, or a negative errno (-EAGAIN: call waitWritable and try again). */
  write(h: SeqpacketHandle, data: Buffer): number;
  waitWritable(h: SeqpacketHandle): void;
  shutdownWrite(h: SeqpacketHandle): void;
  close(h: SeqpacketHandle): void;
}

/** Where node-gyp puts the addon, relative to the package root (this file is dist/src/runtime/conmon/native/). */
const ADDON = fileURLToPath(new URL('../../../../../build/Release/berth_seqpacket.node', import.meta.url));

let binding: SeqpacketBinding | undefined;

/** Loads the addon on first use, so a daemon without it still serves everything but attach. */
export function seqpacket(): SeqpacketBinding {
  if (!binding) {
    try {
      binding = createRequire(import.meta.url)(ADDON) as SeqpacketBinding;
    } catch (err) {
      throw new Error(`the seqpacket addon is not built (run npm ci, or scripts/build-native.sh): ${(err as Error).message}`, { cause: err });
    }
  }
  return binding;
}

export const EAGAIN = 11;
