/**
 * What to tell someone whose .evtx could not be opened or read because it is a live
 * Windows log. While the Event Log service runs it holds every log under
 * %SystemRoot%\System32\winevt\Logs open, and other readers can meet a sharing or lock violation,
 * which Node reports as EBUSY (libuv maps both Windows errors to it). The logs there are readable
 * only from an elevated shell (EACCES, or EPERM without the privilege). In both cases the way out
 * is a copy that Windows exports itself: `wevtutil epl <log name> <file>`. No Node imports: the
 * dashboard's offline page bundles the sources layer, which uses this.
 */

/** The log name Windows gives a file of winevt\Logs: "Microsoft-Windows-Foo%4Operational.evtx" is "Microsoft-Windows-Foo/Operational". */
export function logNameOf(file: string): string {
  // Either separator: a Windows path may reach a tool running elsewhere (WSL, a share).
  return file.replace(/^.*[\\/]/, '').replace(/\.evtx$/i, '').replace(/%4/g, '/');
}

function errorCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) return e.code;
  }
  return undefined;
}

/**
 * A sentence to add to the error line ("; …"), or '' when the error is not one of these. `file`
 * is the path as the user gave it.
 */
export function liveLogHint(err: unknown, file: string): string {
  const code = errorCode(err);
  const inLogsDir = /(^|[\\/])winevt[\\/]logs[\\/]/i.test(file);
  if (code === 'EBUSY') {
    return `; another program holds this file open (on Windows, the Event Log service holds its live logs): export a copy with  wevtutil epl "${logNameOf(file)}" copy.evtx  and read the copy`;
  }
  if ((code === 'EACCES' || code === 'EPERM') && inLogsDir) {
    return `; the logs under winevt\\Logs are readable only from an elevated shell (Run as administrator), or export a copy with  wevtutil epl "${logNameOf(file)}" copy.evtx`;
  }
  return '';
}
