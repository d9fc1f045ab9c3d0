/** Set by src/proxy.ts on every page request: the path and query asked for (read by the console layout). */
export const REQUESTED_PATH_HEADER = "x-qmc-requested-path";
