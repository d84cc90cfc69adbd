/** The offline page's own errors (page-internal: they never leave the tab). */
export type OfflineErrorCode = 'OFFLINE_CANCELLED' | 'OFFLINE_NOTHING_ANALYSED' | 'OFFLINE_ENGINE_FAILED';

export class OfflineError extends Error {
  override readonly name: string = 'OfflineError';
  constructor(
    message: string,
    readonly code: OfflineErrorCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Cancel was pressed, or another drop replaced the analysis: every open call ends with this. */
export class OfflineCancelledError extends OfflineError {
  override readonly name = 'OfflineCancelledError';
  constructor() {
    super('the analysis was cancelled', 'OFFLINE_CANCELLED');
  }
}

/** A DataSource call before any file was analysed. */
export class OfflineNothingAnalysedError extends OfflineError {
  override readonly name = 'OfflineNothingAnalysedError';
  constructor() {
    super('no file has been analysed yet', 'OFFLINE_NOTHING_ANALYSED');
  }
}

/** The engine failed a call (its error's name and message carried across the message), or the worker died. */
export class OfflineEngineError extends OfflineError {
  override readonly name = 'OfflineEngineError';
  constructor(
    message: string,
    /** The error's name and code inside the engine (`TruncatedError`, `EVTX_TRUNCATED`), when it had them. */
    readonly engineError: { name: string; code?: string },
  ) {
    super(message, 'OFFLINE_ENGINE_FAILED');
  }
}
