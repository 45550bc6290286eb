import type { Stats } from 'node:fs';
import { GoFileMode as G } from '../../api/archive.js';

type ModeStats = Pick<Stats, 'mode' | 'isDirectory' | 'isSymbolicLink' | 'isBlockDevice' | 'isCharacterDevice' | 'isFIFO' | 'isSocket'>;

/** A Linux st_mode as Go's os.FileMode (type bits high, permissions low), which docker's clients decode. */
export function goFileMode(st: ModeStats): number {
  let m = st.mode & 0o777;
  if (st.isDirectory()) m += G.Dir;
  else if (st.isSymbolicLink()) m += G.Symlink;
  else if (st.isBlockDevice()) m += G.Device;
  else if (st.isCharacterDevice()) m += G.Device + G.CharDevice;
  else if (st.isFIFO()) m += G.NamedPipe;
  else if (st.isSocket()) m += G.Socket;
  if (st.mode & 0o4000) m += G.Setuid;
  if (st.mode & 0o2000) m += G.Setgid;
  if (st.mode & 0o1000) m += G.Sticky;
  return m;
}
