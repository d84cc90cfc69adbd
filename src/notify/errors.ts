export type NotifyErrorCode = 'NOTIFY_SMTP_URL' | 'NOTIFY_ADDRESS' | 'NOTIFY_SEND';

/** Mail could not be configured or delivered. Alert state is not marked as mailed when this is thrown. */
export class NotifyError extends Error {
  override readonly name = 'NotifyError';
  constructor(
    message: string,
    readonly code: NotifyErrorCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
