/**
 * `X-Docker-Container-Path-Stat` of HEAD/GET /containers/{id}/archive: base64 of this JSON.
 * `mode` carries Go's os.FileMode bits (type in the high bits), as Docker's clients decode it.
 */
export interface ContainerPathStat {
  name: string;
  size: number;
  mode: number;
  /** RFC 3339 with nanoseconds. */
  mtime: string;
  /** For a symlink: the absolute path it resolves to inside the container; "" otherwise. */
  linkTarget: string;
}

export const PATH_STAT_HEADER = 'x-docker-container-path-stat';

/** Go os.FileMode type bits. */
export const GoFileMode = {
  Dir: 2 ** 31,
  Symlink: 2 ** 27,
  Device: 2 ** 26,
  NamedPipe: 2 ** 25,
  Socket: 2 ** 24,
  Setuid: 2 ** 23,
  Setgid: 2 ** 22,
  CharDevice: 2 ** 21,
  Sticky: 2 ** 20,
} as const;

const bit = (mode: number, b: number): boolean => Math.floor(mode / b) % 2 === 1;
export const goModeIsDir = (mode: number): boolean => bit(mode, GoFileMode.Dir);
export const goModeIsSymlink = (mode: number): boolean => bit(mode, GoFileMode.Symlink);
