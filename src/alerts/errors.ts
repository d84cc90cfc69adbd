export type AlertConfigErrorCode = 'CONFIG_READ' | 'CONFIG_PARSE' | 'CONFIG_INVALID';

/** A config file that cannot be read, parsed or validated. `keyPath` names the bad key (`alerts.idleHost.hours`). */
export class AlertConfigError extends Error {
  override readonly name = 'AlertConfigError';
  constructor(
    message: string,
    readonly code: AlertConfigErrorCode,
    readonly file: string,
    readonly keyPath?: string,
    readonly line?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
