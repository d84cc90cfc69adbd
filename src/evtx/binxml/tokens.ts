/** BinXML token bytes (MS-EVEN6 §2.2.12, evtx-format.md §1.4), named once for every reader of them. */
export const TOKEN = {
  EOF: 0x00,
  OPEN_START_ELEMENT: 0x01,
  CLOSE_START_ELEMENT: 0x02,
  CLOSE_EMPTY_ELEMENT: 0x03,
  END_ELEMENT: 0x04,
  VALUE: 0x05,
  ATTRIBUTE: 0x06,
  CDATA: 0x07,
  CHAR_REF: 0x08,
  ENTITY_REF: 0x09,
  PI_TARGET: 0x0a,
  PI_DATA: 0x0b,
  TEMPLATE_INSTANCE: 0x0c,
  NORMAL_SUBSTITUTION: 0x0d,
  OPTIONAL_SUBSTITUTION: 0x0e,
  FRAGMENT_HEADER: 0x0f,
} as const;

/** Flag on OPEN_START_ELEMENT (the element has attributes) and on ATTRIBUTE/VALUE (more follow). */
export const HAS_MORE = 0x40;

/** `byte & KIND_MASK` is a token byte without its flag. */
export const KIND_MASK = ~HAS_MORE & 0xff;

/** A token byte without its flag. */
export function tokenKind(byte: number): number {
  return byte & KIND_MASK;
}
