import addressparser from 'nodemailer/lib/addressparser';
import { NotifyError } from './errors.js';

/** One mailbox as nodemailer takes it (it encodes the name and builds the SMTP envelope from the address). */
export interface MailAddress {
  name: string;
  address: string;
}

/** `local@domain`, nothing that could end the address or start another header or field. */
const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+$/;
/** `Name <a@x>` or `"Doe, John" <j@x>` at the start of the rest: a display name (no unquoted @ , ; <) and an address in brackets. */
const MAILBOX = /^((?:"(?:[^"\\]|\\.)*"|[^"<@,;])*)<([^<>]*)>/;
const SEPARATORS = /^[\s,;]+/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/**
 * Addresses from `--to`, `--from` or the config: each value a list separated by commas,
 * semicolons or spaces, each entry `a@x` or `Name <a@x>`. A line break (CR/LF) or other control
 * character is refused: in a header it would end the address and start a header of its own.
 * `what` names the option in the message (`--to / mail.to`).
 */
export function parseAddressList(values: string | readonly string[] | undefined, what: string): MailAddress[] {
  const list = values === undefined ? [] : typeof values === 'string' ? [values] : values;
  return list.flatMap((value) => parseOne(value, what));
}

/** The sender: exactly one address. */
export function parseSender(value: string, what: string): MailAddress {
  const list = parseAddressList(value, what);
  if (list.length !== 1) throw new NotifyError(`${what}: one sender address expected, got ${list.length}`, 'NOTIFY_ADDRESS');
  return list[0];
}

function parseOne(value: string, what: string): MailAddress[] {
  if (CONTROL.test(value)) {
    throw new NotifyError(`${what}: a line break (CR/LF) or control character in an address is refused: ${JSON.stringify(value)}`, 'NOTIFY_ADDRESS');
  }
  const out: MailAddress[] = [];
  let rest = value.replace(SEPARATORS, '');
  while (rest !== '') {
    const mailbox = MAILBOX.exec(rest);
    let entry: MailAddress;
    if (mailbox) {
      // nodemailer's parser unquotes and decodes the display name
      const [parsed] = addressparser(mailbox[0], { flatten: true });
      entry = { name: parsed?.name ?? '', address: mailbox[2].trim() };
      rest = rest.slice(mailbox[0].length);
    } else {
      const token = /^[^\s,;]+/.exec(rest)![0];
      entry = { name: '', address: token };
      rest = rest.slice(token.length);
    }
    if (!ADDRESS.test(entry.address)) {
      throw new NotifyError(`${what}: ${JSON.stringify(mailbox ? mailbox[0] : entry.address)} is not an address (name@domain; separate several with commas or spaces)`, 'NOTIFY_ADDRESS');
    }
    out.push(entry);
    rest = rest.replace(SEPARATORS, '');
  }
  return out;
}
