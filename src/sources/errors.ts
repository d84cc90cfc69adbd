/**
 * Errors of the sources layer. Readers normally report problems as InputIssue values and go on;
 * these classes are thrown only where a caller mis-uses the API (an unknown time zone, a format
 * name that does not exist) or where one is turned into a fatal issue by openSource.
 */
export type InputErrorCode =
  | 'INPUT_BAD_TIMEZONE'
  | 'INPUT_UNKNOWN_FORMAT'
  | 'INPUT_UNREADABLE';

export interface InputErrorContext {
  file?: string;
  line?: number;
  record?: number;
  offset?: number;
}

export class InputError extends Error {
  override readonly name = 'InputError' as const;
  readonly code: InputErrorCode;
  readonly context: InputErrorContext;

  constructor(code: InputErrorCode, message: string, context: InputErrorContext = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.context = context;
  }
}

export class BadTimezoneError extends InputError {
  readonly timezone: string;
  constructor(timezone: string) {
    super('INPUT_BAD_TIMEZONE', `unknown time zone "${timezone}" (expected an IANA name such as Europe/Berlin)`);
    this.timezone = timezone;
  }
}
