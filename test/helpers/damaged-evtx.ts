/**
 * A simulator-written KMS log (src/simulate, src/evtx/writer) with bit flips inside two records,
 * the chunks' CRCs left as written: what a bad disk or a bad copy does. One flip turns the '-' of a
 * client's machine name into U+402D ('PC-00040' → 'PC䀭00040'), the other an 'S' of the KMS host's
 * Computer field into U+4053 ('KMS01' → 'KM䁓01').
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseEvtxBuffer } from '../../src/evtx/file.js';
import { eventDataValues, systemFields } from '../../src/evtx/fields.js';
import { simulate } from '../../src/simulate/index.js';

export interface DamagedFleet {
  /** The simulator's KMS log, untouched. */
  clean: string;
  /** A copy with the two flips. */
  damaged: string;
  host: string;
  flippedHost: string;
  machine: string;
  flippedMachine: string;
  cmid: string;
  /** The failure result of the flipped machine's request (0xC004F06C). */
  resultHex: string;
  /** Chunk slot and record id of each flipped record. */
  machineRecord: { chunk: number; recordId: number };
  hostRecord: { chunk: number; recordId: number };
  /** Record ids of the chunk of each flipped record (all of them stored marked). */
  machineChunkIds: { first: number; last: number };
  hostChunkIds: { first: number; last: number };
  /** Records (all of them KMS events) in each of the two chunks. */
  machineChunkRecords: number;
  hostChunkRecords: number;
  /** The newest request time: reports are made as of it. */
  newest: number;
}

const utf16 = (s: string) => Buffer.from(s, 'utf16le');

/** XORs the high byte of character `at` of every occurrence of `text` (UTF-16LE) in bytes[from, to); returns how many. */
function flipText(bytes: Buffer, from: number, to: number, text: string, at: number, xor: number): number {
  const needle = utf16(text);
  let n = 0;
  for (let i = bytes.indexOf(needle, from); i >= 0 && i + needle.length <= to; i = bytes.indexOf(needle, i + needle.length)) {
    bytes[i + 2 * at + 1] ^= xor;
    n++;
  }
  return n;
}

export function damagedFleet(dir: string): DamagedFleet {
  // seed 3: one host, 446 requests in 7 chunks; PC-00040 fails with 0xC004F06C (truth.json: no clones)
  const sim = simulate({ out: dir, clients: 40, hosts: 1, days: 20, seed: 3 });
  const clean = sim.files.find((f) => f.endsWith('-kms.evtx'))!;
  const bytes = Buffer.from(readFileSync(clean));
  const parsed = parseEvtxBuffer(bytes);
  const records = parsed.chunks.flatMap((c) => c.records.flatMap((r) => (r.ok ? [r.record] : [])));
  const requestOf = (chunk: number) =>
    records.find((r) => r.chunk === chunk && systemFields(r.nodes)?.eventId === 12290)!;
  const ids = (chunk: number) => {
    const inChunk = records.filter((r) => r.chunk === chunk).map((r) => r.recordId);
    return { first: Math.min(...inChunk), last: Math.max(...inChunk) };
  };

  // the first request of chunk 2 is one of PC-00040's failures
  const m = requestOf(2);
  const data = eventDataValues(m.nodes)!;
  const machine = data[3];
  const mSize = bytes.readUInt32LE(m.offset + 4);
  if (!machine.startsWith('PC-') || flipText(bytes, m.offset, m.offset + mSize, machine, 2, 0x40) === 0) throw new Error(`unexpected simulator output: ${machine}`);

  const h = requestOf(4);
  const host = systemFields(h.nodes)!.computer!;
  const hSize = bytes.readUInt32LE(h.offset + 4);
  if (flipText(bytes, h.offset, h.offset + hSize, host, 2, 0x40) !== 1) throw new Error(`the Computer field of record ${h.recordId} is not in the record`);

  const damaged = path.join(dir, 'kms01-kms-damaged.evtx');
  writeFileSync(damaged, bytes);
  const newest = Math.max(...records.filter((r) => systemFields(r.nodes)?.eventId === 12290).map((r) => systemFields(r.nodes)!.timeMs!));
  return {
    clean,
    damaged,
    host,
    flippedHost: host.slice(0, 2) + String.fromCharCode(host.charCodeAt(2) ^ 0x4000) + host.slice(3),
    machine,
    flippedMachine: machine.slice(0, 2) + String.fromCharCode(machine.charCodeAt(2) ^ 0x4000) + machine.slice(3),
    cmid: data[4],
    resultHex: data[1],
    machineRecord: { chunk: m.chunk, recordId: m.recordId },
    hostRecord: { chunk: h.chunk, recordId: h.recordId },
    machineChunkIds: ids(m.chunk),
    hostChunkIds: ids(h.chunk),
    machineChunkRecords: records.filter((r) => r.chunk === m.chunk).length,
    hostChunkRecords: records.filter((r) => r.chunk === h.chunk).length,
    newest,
  };
}
