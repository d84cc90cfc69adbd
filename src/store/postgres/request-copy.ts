import { COPY_SIGNATURE, copyBuffer, putBool, putInt4, putInt8, putNull, putText } from './copy-binary.js';
import type { RequestColumns } from './request-columns.js';
import type { ReservedIds } from './request-ids.js';

/**
 * The binary COPY rows of `requests`, in the column order of REQUEST_COPY (write-requests.ts),
 * laid out field by field (copy-binary.ts says why).
 */

/** Bytes of one row without its client time text (fields, lengths and values). */
const FIXED = 227;

/**
 * Rows fresh[from .. to-1] of `cols`, the k-th new row getting id ids.at(k); `header` adds the
 * COPY signature, `trailer` the end marker. `onRow(k)` is told of each row before it is written
 * (so that a CopyValueError can be traced to its record).
 */
export function requestCopyRows(
  cols: RequestColumns,
  fresh: Int32Array,
  ids: ReservedIds,
  from: number,
  to: number,
  header: boolean,
  trailer: boolean,
  onRow: (k: number) => void,
): Buffer {
  let size = (header ? COPY_SIGNATURE.length : 0) + (trailer ? 2 : 0);
  for (let k = from; k < to; k++) size += FIXED + cols.clientTimeText[fresh[k]].length * 3;
  const { buf, view: v } = copyBuffer(size);
  let p = 0;
  if (header) {
    buf.set(COPY_SIGNATURE, 0);
    p = COPY_SIGNATURE.length;
  }
  for (let k = from; k < to; k++) {
    onRow(k);
    const i = fresh[k];
    v.setInt16(p, 21);
    putInt8(v, p + 2, ids.at(k));
    putInt8(v, p + 14, cols.hostId[i]);
    putInt8(v, p + 26, cols.second[i]);
    putInt8(v, p + 38, cols.channelId[i]);
    putInt8(v, p + 50, cols.rec[i]);
    putInt8(v, p + 62, cols.time[i]);
    putInt4(v, p + 74, cols.epoch[i]);
    putInt8(v, p + 82, cols.hostNameId[i]);
    putInt8(v, p + 94, cols.sourceId[i]);
    putInt8(v, p + 106, cols.result[i]);
    putInt8(v, p + 118, cols.resultHexId[i]);
    putInt4(v, p + 130, cols.minimumCount[i]);
    putInt8(v, p + 138, cols.machineId[i]);
    putInt8(v, p + 150, cols.machineKeyId[i]);
    putInt8(v, p + 162, cols.cmidId[i]);
    putInt8(v, p + 174, cols.productId[i]);
    p += 186;
    p = putText(buf, v, p, cols.clientTimeText[i]);
    const clientTime = cols.clientTime[i];
    if (clientTime === null) {
      putNull(v, p);
      p += 4;
    } else {
      putInt8(v, p, clientTime);
      p += 12;
    }
    putBool(buf, v, p, cols.isVm[i] === 1);
    putInt4(v, p + 5, cols.licenseState[i]);
    putInt8(v, p + 13, cols.minutesLeft[i]);
    p += 25;
  }
  if (trailer) {
    v.setInt16(p, -1);
    p += 2;
  }
  return buf.subarray(0, p);
}
