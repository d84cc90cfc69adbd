/**
 * Errors of the sources layer. Readers normally report problems as InputIssue values and go on;
 * these classes are thrown only where a caller mis-uses the API (an unknown time zone, a format
 * name that does not exist) or where one is turned into a fatal issue by openSource.
 */
export type InputErrorCode =
  | 'INPUT_BAD_TIMEZONE'
  | 'INPUT_UNKNOWN_FORMAT'
  | 'INPUT_UNREADABLE'
  | 'INPUT_HOST_REQUIRED'
  | 'INPUT_HOST_AMBIGUOUS';

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

/** At most this many file names in one message; the rest are counted. */
const FILES_NAMED = 5;

function fileList(files: readonly string[]): string {
  const named = files.slice(0, FILES_NAMED).join(', ');
  return files.length > FILES_NAMED ? `${named} and ${files.length - FILES_NAMED} more` : named;
}

/**
 * Exports whose events name no computer (Event Viewer's own saves) were given without a host name:
 * stored as they are, two hosts' saves would merge into one host without a name. Nothing is read.
 */
export class HostRequiredError extends InputError {
  readonly files: readonly string[];
  constructor(files: readonly string[], remedy = "give the KMS host's name with --host NAME") {
    super(
      'INPUT_HOST_REQUIRED',
      `${fileList(files)}: ${files.length === 1 ? 'an Event Viewer save names' : 'Event Viewer saves name'} no computer: ${remedy} (nothing was stored)`,
      { file: files[0] },
    );
    this.files = files;
  }
}

/** A short host name (`KMS01`) that is the first label of several stored hosts. Nothing is read. */
export class AmbiguousHostError extends InputError {
  readonly host: string;
  readonly candidates: readonly string[];
  constructor(host: string, candidates: readonly string[]) {
    super(
      'INPUT_HOST_AMBIGUOUS',
      `host "${host}" could be any of ${candidates.length} stored hosts (${candidates.join(', ')}): give the full name (nothing was stored)`,
    );
    this.host = host;
    this.candidates = candidates;
  }
}
