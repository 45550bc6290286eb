/** berth's own version, shown by `--version` and `version` (kept here to avoid reading package.json at start). */
export const BERTH_VERSION = '0.1.0';
/** Build identifier shown next to the version. */
export const BERTH_BUILD = 'dev';
