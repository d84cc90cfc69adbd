export type CollectErrorCode = 'COLLECT_WEVTUTIL' | 'COLLECT_PLATFORM' | 'COLLECT_EVERY';

/** A source that could not be collected (the other sources still are). */
export class CollectError extends Error {
  override readonly name = 'CollectError';
  constructor(
    message: string,
    readonly code: CollectErrorCode,
    /** The source at fault: a file pattern or `wevtutil:HOST`. */
    readonly source?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
