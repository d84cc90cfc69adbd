import { lookupProduct } from '../../kms/products.js';
import type { KmsApplication, KmsRecord, KmsRequest, ProductInfo } from '../../kms/types.js';

/**
 * A batch of records as the SQLite writer thread receives it (writer-thread.ts). Structured clone
 * of request objects costs about 12 µs each (measured for the HTTP ingest worker), as much as
 * storing them: requests travel as one Float64Array of numbers and one string of their texts
 * joined by NUL (an array when a text holds a NUL). The other record kinds are rare and travel
 * as they are, with their position in the batch.
 */
export interface TransferBatch {
  count: number;
  /** REQUEST_NUMBERS per request, in batch order. */
  numbers: Float64Array;
  /** Per request, bit k set: text k is the previous request's (not sent again). */
  repeats: Uint16Array;
  /** The texts not repeated, in order. */
  texts: string | string[];
  /** Positions in the batch of the records in `others`; every other position is a request. */
  otherAt: number[];
  others: KmsRecord[];
}

/** eventId, recordId (NaN: none), time, result, minimumCount, clientTime (NaN: none), licenseState, minutesLeft, isVm */
const REQUEST_NUMBERS = 9;
/** host, channel, source, resultHex, machine, cmid, clientTimeText, activationId, product name, product application */
const REQUEST_TEXTS = 10;
const SEPARATOR = '\u0000';

function textsOf(r: KmsRequest, out: string[]): void {
  out[0] = r.host;
  out[1] = r.channel;
  out[2] = r.source;
  out[3] = r.resultHex;
  out[4] = r.machine;
  out[5] = r.cmid;
  out[6] = r.clientTimeText;
  out[7] = r.activationId;
  out[8] = r.product.name;
  out[9] = r.product.application;
}

export function encodeBatch(records: readonly KmsRecord[]): TransferBatch {
  const otherAt: number[] = [];
  const others: KmsRecord[] = [];
  let requests = 0;
  for (let i = 0; i < records.length; i++) {
    if (records[i].kind === 'request') requests++;
    else {
      otherAt.push(i);
      others.push(records[i]);
    }
  }
  const numbers = new Float64Array(requests * REQUEST_NUMBERS);
  const repeats = new Uint16Array(requests);
  const texts: string[] = [];
  let separatorInside = false;
  let prev: string[] = [];
  let cur: string[] = new Array<string>(REQUEST_TEXTS);
  let n = 0;
  let q = 0;
  for (const record of records) {
    if (record.kind !== 'request') continue;
    const r = record;
    numbers[n] = r.eventId;
    numbers[n + 1] = r.recordId ?? Number.NaN;
    numbers[n + 2] = r.time;
    numbers[n + 3] = r.result;
    numbers[n + 4] = r.minimumCount;
    numbers[n + 5] = r.clientTime ?? Number.NaN;
    numbers[n + 6] = r.licenseState;
    numbers[n + 7] = r.minutesLeft;
    numbers[n + 8] = r.isVm ? 1 : 0;
    n += REQUEST_NUMBERS;
    textsOf(r, cur);
    let mask = 0;
    for (let k = 0; k < REQUEST_TEXTS; k++) {
      if (q > 0 && cur[k] === prev[k]) mask |= 1 << k;
      else {
        texts.push(cur[k]);
        if (cur[k].includes(SEPARATOR)) separatorInside = true;
      }
    }
    repeats[q++] = mask;
    [prev, cur] = [cur, prev.length === 0 ? new Array<string>(REQUEST_TEXTS) : prev];
  }
  return { count: records.length, numbers, repeats, texts: separatorInside ? texts : texts.join(SEPARATOR), otherAt, others };
}

export function decodeBatch(batch: TransferBatch): KmsRecord[] {
  const texts = typeof batch.texts === 'string' ? batch.texts.split(SEPARATOR) : batch.texts;
  const out: KmsRecord[] = new Array(batch.count);
  for (let k = 0; k < batch.otherAt.length; k++) out[batch.otherAt[k]] = batch.others[k];
  const products = new ProductCache();
  const t = new Array<string>(REQUEST_TEXTS);
  const v = batch.numbers;
  let next = 0;
  let n = 0;
  let q = 0;
  for (let i = 0; i < batch.count; i++) {
    if (out[i] !== undefined) continue;
    const mask = batch.repeats[q++];
    for (let k = 0; k < REQUEST_TEXTS; k++) if ((mask & (1 << k)) === 0) t[k] = texts[next++];
    const recordId = v[n + 1];
    const clientTime = v[n + 5];
    const request: KmsRequest = {
      kind: 'request',
      host: t[0],
      channel: t[1],
      eventId: v[n],
      recordId: Number.isNaN(recordId) ? null : recordId,
      time: v[n + 2],
      source: t[2],
      result: v[n + 3],
      resultHex: t[3],
      minimumCount: v[n + 4],
      machine: t[4],
      cmid: t[5],
      clientTimeText: t[6],
      clientTime: Number.isNaN(clientTime) ? null : clientTime,
      isVm: v[n + 8] === 1,
      licenseState: v[n + 6],
      minutesLeft: v[n + 7],
      activationId: t[7],
      product: products.get(t[7], t[8], t[9] as KmsApplication),
    };
    out[i] = request;
    n += REQUEST_NUMBERS;
  }
  return out;
}

/**
 * The product of a decoded request: the product table's (shared) object when name and application
 * are the table's, else one carrying the name and application the record had.
 */
class ProductCache {
  private readonly byKey = new Map<string, ProductInfo>();

  get(activationId: string, name: string, application: KmsApplication): ProductInfo {
    const key = `${activationId}\u0000${name}\u0000${application}`;
    let product = this.byKey.get(key);
    if (product === undefined) {
      const known = lookupProduct(activationId);
      product = known.name === name && known.application === application ? known : { ...known, name, application };
      this.byKey.set(key, product);
    }
    return product;
  }
}
