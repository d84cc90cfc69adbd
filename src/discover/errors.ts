export type DiscoverErrorCode = 'DISCOVER_BAD_SERVER' | 'DISCOVER_NO_SERVER' | 'DISCOVER_BAD_DOMAIN' | 'DISCOVER_BAD_TIMEOUT';

/**
 * A discovery check that cannot start because it was asked wrongly (a DNS server that is not an
 * address, a domain that is not a DNS name). What the network answers is never an error: it is
 * recorded in the DiscoveryCheck.
 */
export class DiscoverError extends Error {
  override readonly name = 'DiscoverError';
  constructor(
    message: string,
    readonly code: DiscoverErrorCode,
    /** The value at fault, as given. */
    readonly value?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
