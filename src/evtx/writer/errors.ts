/** Errors of the EVTX writer: an event the writer cannot encode. The reader's errors live in ../errors.ts. */
export type EvtxWriteErrorCode = 'EVTX_WRITE_TOO_LARGE' | 'EVTX_WRITE_BAD_EVENT' | 'EVTX_WRITE_CLOSED';

export class EvtxWriteError extends Error {
  override readonly name = 'EvtxWriteError';
  constructor(
    message: string,
    readonly code: EvtxWriteErrorCode,
    /** Record id of the event being written, when known. */
    readonly recordId?: number,
  ) {
    super(recordId === undefined ? message : `${message} (record ${recordId})`);
  }
}
