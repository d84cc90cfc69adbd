/**
 * Node's system errors (ENOENT, EACCES, EISDIR …) in words: "ENOENT: no such file or directory,
 * open '/x'" becomes "no such file or directory (ENOENT)", for messages that name the file
 * themselves. Anything else keeps its message.
 */
export function errnoText(err: unknown): string {
  const e = err as NodeJS.ErrnoException | undefined;
  if (typeof e?.code === 'string' && /^E[A-Z]+$/.test(e.code) && typeof e.message === 'string' && e.message.startsWith(`${e.code}: `)) {
    // The tail is ", <syscall>" or ", <syscall> '<path>'" (or "… -> '<dest>'").
    const words = e.message.slice(e.code.length + 2).replace(/, \w+(?: '.*')?$/, '');
    return `${words} (${e.code})`;
  }
  return e instanceof Error ? e.message : String(err);
}

/** A failed system call on a path: "<path>: cannot open: no such file or directory (ENOENT)"; null for other errors. */
export function systemErrorLine(err: unknown): string | null {
  const e = err as NodeJS.ErrnoException | undefined;
  if (!(e instanceof Error) || typeof e.code !== 'string' || typeof e.syscall !== 'string' || !/^E[A-Z]+$/.test(e.code)) return null;
  return `${typeof e.path === 'string' ? `${e.path}: ` : ''}cannot ${e.syscall}: ${errnoText(e)}`;
}
