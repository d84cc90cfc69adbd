/**
 * The mail of the bit-flipped simulator log (test/helpers/damaged-evtx.ts) over real SMTP: the false
 * clone and the bogus host's alerts are INFO and say they rest on damaged EVTX chunks, the count
 * table marks the bogus host, and the mail leads with what the unflipped log's mail leads with.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { alertRulesSchema } from '../../src/alerts/config.js';
import { DAMAGED_ONLY_NOTE } from '../../src/alerts/damaged.js';
import { ingestFiles } from '../../src/ingest/ingest.js';
import { runNotify } from '../../src/notify/notify.js';
import { DAMAGED_HOST_NOTE } from '../../src/notify/render-text.js';
import { createSmtpTransport } from '../../src/notify/transport.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { damagedFleet, type DamagedFleet } from '../helpers/damaged-evtx.js';
import { startSmtp, type TestSmtp } from './smtp.js';

let dir: string;
let fleet: DamagedFleet;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-notify-damaged-'));
  fleet = damagedFleet(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let smtp: TestSmtp | undefined;
afterEach(async () => {
  await smtp?.close();
  smtp = undefined;
});

/** Ingests `file` into a new store and mails the digest (every rule at its defaults) as of the newest request. */
async function mailOf(file: string) {
  smtp ??= await startSmtp();
  const store = createMemoryStore();
  await store.migrate();
  await ingestFiles(store, [file], { timezone: 'UTC' });
  const before = smtp.messages.length;
  const result = await runNotify(store, {
    at: fleet.newest,
    rules: alertRulesSchema.parse({}),
    transport: createSmtpTransport(smtp.url, {}),
    from: 'kmswatch@contoso.test',
    to: ['admins@contoso.test'],
  });
  expect(result.outcome).toBe('sent');
  return smtp.messages[before];
}

describe('the digest mail of a damaged log', () => {
  it('lists the false clone and the bogus host as INFO, saying why, and leads as the clean log does', async () => {
    const clean = await mailOf(fleet.clean);
    const damaged = await mailOf(fleet.damaged);
    const note = `${DAMAGED_ONLY_NOTE} ${fleet.damaged}`;
    // the clean log's lead alert is no clone and no bogus host; the flipped log's lead must be the
    // same (the INFO alerts are counted in its `(+N more)`)
    expect(clean.subject).not.toContain(fleet.flippedHost);
    expect(damaged.subject?.replace(/ \(\+\d+ more\)$/, '')).toBe(clean.subject);

    const text = String(damaged.text);
    // alert lines: `  [SEVERITY] host: summary`; those about the bogus host or the false clone
    const alertLines = text.split('\n').filter((l) => /^ {2}\[[A-Z]+\] /.test(l));
    const onFlipped = alertLines.filter((l) => l.includes(fleet.flippedHost) || l.includes(fleet.flippedMachine));
    expect(onFlipped.length).toBeGreaterThanOrEqual(2); // the clone, and at least the idle bogus host
    for (const l of onFlipped) {
      expect(l.startsWith('  [INFO] ')).toBe(true);
      expect(l.endsWith(` — ${note}`)).toBe(true);
    }
    expect(onFlipped.some((l) => l.includes(`CMID ${fleet.cmid} used by 2 machines: ${fleet.machine}, ${fleet.flippedMachine}`))).toBe(true);
    // the other alert lines are the clean log's
    expect(alertLines.filter((l) => !onFlipped.includes(l))).toEqual(String(clean.text).split('\n').filter((l) => /^ {2}\[[A-Z]+\] /.test(l)));

    // the count table: the bogus host's row says so, the real host's does not
    const countRow = (host: string) => text.split('\n').filter((l) => l.startsWith(`  ${host}  `));
    expect(countRow(fleet.flippedHost).length).toBeGreaterThan(0);
    for (const l of countRow(fleet.flippedHost)) expect(l.endsWith(` — ${DAMAGED_HOST_NOTE}`)).toBe(true);
    for (const l of countRow(fleet.host)) expect(l).not.toContain(DAMAGED_HOST_NOTE);
    expect(String(clean.text)).not.toContain(DAMAGED_HOST_NOTE);

    const html = String(damaged.html);
    expect(html).toContain(`${DAMAGED_ONLY_NOTE} ${fleet.damaged}`);
    expect(html).toContain(DAMAGED_HOST_NOTE);
    // clients.csv: the clone's rows carry the lowered severity
    const csv = damaged.attachments[0].content.toString('utf8').split('\r\n');
    const cloneRows = csv.filter((l) => l.startsWith(`clone:${fleet.cmid.toLowerCase()},`));
    expect(cloneRows.length).toBeGreaterThan(0);
    for (const l of cloneRows) expect(l.split(',')[1]).toBe('info');
  });
});
