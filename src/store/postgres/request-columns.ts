import type { KmsRecord, KmsRequest } from '../../kms/types.js';
import { dedupRec, hostKey } from '../dedup.js';
import { StoreError } from '../types.js';
import type { BatchIds } from './lookup-ids.js';

/**
 * The requests of a batch as the narrow `requests` table holds them (migration 0001), one typed
 * array per column instead of one object per row: a 50,000-request batch is a few dozen arrays
 * rather than 50,000 objects for the garbage collector. Row i is the request at `record[i]` of
 * the batch. `epoch` is filled once the batch is planned (it depends on the stored checkpoint).
 */
export class RequestColumns {
  readonly record: Int32Array;
  readonly hostId: Float64Array;
  readonly second: Float64Array;
  readonly channelId: Float64Array;
  readonly rec: Float64Array;
  readonly time: Float64Array;
  readonly epoch: Float64Array;
  readonly hostNameId: Float64Array;
  readonly sourceId: Float64Array;
  readonly result: Float64Array;
  readonly resultHexId: Float64Array;
  readonly minimumCount: Float64Array;
  readonly machineId: Float64Array;
  readonly machineKeyId: Float64Array;
  readonly cmidId: Float64Array;
  readonly productId: Float64Array;
  readonly clientTimeText: string[];
  /** null where the request has no parsed client time. */
  readonly clientTime: (number | null)[];
  readonly isVm: Uint8Array;
  readonly licenseState: Float64Array;
  readonly minutesLeft: Float64Array;
  /** Record id or -1: the "latest" tie-breaker after time (queries/summary.ts). */
  readonly recordOrder: Float64Array;

  constructor(readonly size: number) {
    const f = () => new Float64Array(size);
    this.record = new Int32Array(size);
    this.hostId = f();
    this.second = f();
    this.channelId = f();
    this.rec = f();
    this.time = f();
    this.epoch = f();
    this.hostNameId = f();
    this.sourceId = f();
    this.result = f();
    this.resultHexId = f();
    this.minimumCount = f();
    this.machineId = f();
    this.machineKeyId = f();
    this.cmidId = f();
    this.productId = f();
    this.clientTimeText = new Array<string>(size);
    this.clientTime = new Array<number | null>(size);
    this.isVm = new Uint8Array(size);
    this.licenseState = f();
    this.minutesLeft = f();
    this.recordOrder = f();
  }
}

/**
 * Builds the columns of the requests among `records` (at the batch positions `positions`) and
 * resolves their lookup ids through `ids`, fetching the ones nobody knows yet (inserted in this
 * batch's transaction). Consecutive requests usually share host, channel, source, result text and
 * product, so those ids are taken from the previous row when its value is the same string.
 */
export async function requestColumns(
  records: readonly KmsRecord[],
  positions: readonly number[],
  ids: BatchIds,
  fetchMissing: () => Promise<void>,
): Promise<RequestColumns> {
  const cols = new RequestColumns(positions.length);
  const unresolved: number[] = [];
  let prev: KmsRequest | undefined;
  let prevRow = -1;
  for (let i = 0; i < positions.length; i++) {
    const r = records[positions[i]] as KmsRequest;
    cols.record[i] = positions[i];
    checkNumbers(r, positions[i]);
    cols.second[i] = Math.floor(r.time / 1000);
    cols.rec[i] = dedupRec(r);
    cols.time[i] = r.time;
    cols.result[i] = r.result;
    cols.minimumCount[i] = r.minimumCount;
    cols.clientTimeText[i] = r.clientTimeText;
    cols.clientTime[i] = r.clientTime ?? null;
    cols.isVm[i] = r.isVm ? 1 : 0;
    cols.licenseState[i] = r.licenseState;
    cols.minutesLeft[i] = r.minutesLeft;
    cols.recordOrder[i] = r.recordId ?? -1;
    if (!resolveIds(cols, i, r, ids, prev, prevRow)) unresolved.push(i);
    prev = r;
    prevRow = i;
  }
  if (unresolved.length > 0) {
    await fetchMissing();
    for (const i of unresolved) {
      if (!resolveIds(cols, i, records[cols.record[i]] as KmsRequest, ids, undefined, -1)) {
        throw new StoreError(`record ${cols.record[i]} of the batch (${records[cols.record[i]].source}): a lookup id could not be stored`, 'STORE_WRITE');
      }
    }
  }
  return cols;
}

/** Fills the id columns of row i; false when some id is not known yet. */
function resolveIds(cols: RequestColumns, i: number, r: KmsRequest, ids: BatchIds, prev: KmsRequest | undefined, p: number): boolean {
  if (prev !== undefined && prev.host === r.host && cols.hostId[p] >= 0 && cols.hostNameId[p] >= 0) {
    cols.hostId[i] = cols.hostId[p];
    cols.hostNameId[i] = cols.hostNameId[p];
  } else {
    cols.hostId[i] = ids.id(hostKey(r.host));
    cols.hostNameId[i] = ids.id(r.host);
  }
  cols.channelId[i] = prev !== undefined && prev.channel === r.channel && cols.channelId[p] >= 0 ? cols.channelId[p] : ids.id(r.channel);
  cols.sourceId[i] = prev !== undefined && prev.source === r.source && cols.sourceId[p] >= 0 ? cols.sourceId[p] : ids.id(r.source);
  cols.resultHexId[i] = prev !== undefined && prev.resultHex === r.resultHex && cols.resultHexId[p] >= 0 ? cols.resultHexId[p] : ids.id(r.resultHex);
  cols.productId[i] =
    prev !== undefined && prev.product === r.product && prev.activationId === r.activationId && cols.productId[p] >= 0
      ? cols.productId[p]
      : ids.productOf(r.product, r.activationId);
  const machine = ids.machine(r.machine);
  cols.machineId[i] = machine.id;
  cols.machineKeyId[i] = machine.keyId;
  cols.cmidId[i] = ids.cmidOf(machine, r.cmid);
  return (
    cols.hostId[i] >= 0 && cols.hostNameId[i] >= 0 && cols.channelId[i] >= 0 && cols.sourceId[i] >= 0 && cols.resultHexId[i] >= 0 &&
    cols.productId[i] >= 0 && cols.machineId[i] >= 0 && cols.machineKeyId[i] >= 0 && cols.cmidId[i] >= 0
  );
}

/** Numbers must be numbers: a typed array would turn `'5'` or `true` into one silently. */
function checkNumbers(r: KmsRequest, index: number): void {
  if (
    typeof r.result !== 'number' || typeof r.minimumCount !== 'number' || typeof r.licenseState !== 'number' ||
    typeof r.minutesLeft !== 'number' || (r.clientTime !== null && r.clientTime !== undefined && typeof r.clientTime !== 'number')
  ) {
    throw new StoreError(`record ${index} of the batch (${r.source}): result, minimum count, license state, minutes left and client time must be numbers`, 'STORE_WRITE');
  }
}
