/** BinXML value types (MS-EVEN6 §2.2.12, libyal "Value types"). Bit 0x80 marks an array. */
export const VT = {
  Null: 0x00,
  String: 0x01,
  AnsiString: 0x02,
  Int8: 0x03,
  UInt8: 0x04,
  Int16: 0x05,
  UInt16: 0x06,
  Int32: 0x07,
  UInt32: 0x08,
  Int64: 0x09,
  UInt64: 0x0a,
  Real32: 0x0b,
  Real64: 0x0c,
  Bool: 0x0d,
  Binary: 0x0e,
  Guid: 0x0f,
  SizeT: 0x10,
  FileTime: 0x11,
  SystemTime: 0x12,
  Sid: 0x13,
  HexInt32: 0x14,
  HexInt64: 0x15,
  EvtHandle: 0x20,
  BinXml: 0x21,
  EvtXml: 0x23,
  Array: 0x80,
} as const;

/** Width in bytes of the fixed-size types (0 = variable or unknown). */
export const FIXED_WIDTH: Readonly<Record<number, number>> = {
  0x03: 1, 0x04: 1, 0x05: 2, 0x06: 2, 0x07: 4, 0x08: 4, 0x09: 8, 0x0a: 8,
  0x0b: 4, 0x0c: 8, 0x0d: 4, 0x0f: 16, 0x11: 8, 0x12: 16, 0x14: 4, 0x15: 8,
};

/** How a value of this type appears in JSON: as a bare number, a boolean, or a string. */
export const JSON_KIND_STRING = 0;
export const JSON_KIND_NUMBER = 1;
export const JSON_KIND_BOOL = 2;
export function jsonKind(type: number): number {
  const t = type & 0x7f;
  if (t >= VT.Int8 && t <= VT.Real64) return JSON_KIND_NUMBER;
  if (t === VT.Bool) return JSON_KIND_BOOL;
  return JSON_KIND_STRING;
}
