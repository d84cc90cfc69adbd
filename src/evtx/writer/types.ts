/**
 * One named, typed EventData value (manifest-style events): `<Data Name="name">value</Data>`,
 * written as a template substitution of that BinXML value type.
 */
export type EvtxDataField =
  /** String (0x01), UTF-16LE; '' is written as a NULL value. */
  | { name: string; type: 'string'; value: string }
  /** UInt32 (0x08): an integer 0 … 4294967295. */
  | { name: string; type: 'uint32'; value: number }
  /** Real64 (0x0c): an IEEE 754 double, little-endian. */
  | { name: string; type: 'real64'; value: number }
  /** Bool (0x0d): 4 bytes, 1 or 0, as Windows writes it. */
  | { name: string; type: 'boolean'; value: boolean };

/**
 * The generic event the EVTX writer encodes: the System fields of a classic (ReportEvent-style)
 * event plus its insertion strings. The writer knows nothing of KMS.
 */
export interface EvtxEventInput {
  /** Provider Name attribute, e.g. "Microsoft-Windows-Security-SPP". */
  provider: string;
  /** Provider Guid attribute as it should appear, e.g. "{E23B33B0-...}"; omitted when absent. */
  providerGuid?: string;
  /** EventSourceName attribute of classic events; omitted when absent. */
  eventSourceName?: string;
  /** Low 16 bits of the event id. */
  eventId: number;
  /** High 16 bits (EventID Qualifiers attribute); null/undefined leaves the attribute out. */
  qualifiers?: number | null;
  version?: number;
  /** 4 = Information; classic events also use 0. */
  level: number;
  task?: number;
  opcode?: number;
  /** Keywords (u64), e.g. 0x80000000000000n for classic events. */
  keywords: bigint;
  /** TimeCreated in epoch milliseconds UTC; a fraction is kept to 100 ns as far as a double holds it (≈0.25 µs today). */
  time: number;
  /** EventRecordID; default: one above the previous record. */
  recordId?: number;
  processId?: number;
  threadId?: number;
  channel: string;
  computer: string;
  /** Security UserID as a SID string "S-1-5-18"; omitted when absent. */
  userSid?: string | null;
  /** EventData insertion strings, written as one string array (0x81) → unnamed <Data> elements. null or [] = none. */
  data: readonly string[] | null;
  /**
   * Optional: `data` already encoded as the writer would (each string as UTF-16LE code units plus
   * a NUL code unit, one after the other). When given, the writer copies these bytes instead of
   * encoding `data`, so the caller vouches that they encode exactly `data` (and no NUL inside a
   * string). Read once during append; for callers that assemble millions of events from cached
   * pieces (the simulator). null/undefined: encode `data`.
   */
  dataUtf16?: Uint8Array | null;
  /** Optional EventData <Binary> payload. */
  binary?: Uint8Array | null;
  /**
   * Optional: named, typed EventData values instead of `data` and `binary` (which must then be
   * null or empty). Events with the same names and types, in the same order, share one template.
   * null/undefined/[]: a classic event (`data`, `binary`).
   */
  namedData?: readonly EvtxDataField[] | null;
}

/** Where the streaming writer puts bytes: appended in order, the file header patched at the end. */
export interface EvtxSink {
  /** `bytes` is only valid during the call (the writer reuses its chunk buffer): copy what you keep. */
  write(bytes: Uint8Array): void;
  /** Overwrites bytes at an absolute offset already written (used once, for the file header). */
  writeAt(offset: number, bytes: Uint8Array): void;
}
