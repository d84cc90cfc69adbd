/** Exit codes of every command: 0 ok, 1 some input (or the work) failed, 2 usage. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export type CliErrorCode = 'CLI_USAGE' | 'CLI_BAD_OPTION';

/** The command line itself is wrong: printed as one line, exit code 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError' as const;
  constructor(
    message: string,
    readonly code: CliErrorCode = 'CLI_USAGE',
    /** The option or argument at fault, e.g. `--at`. */
    readonly option?: string,
  ) {
    super(message);
  }
}
