import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertTitle, parseDetails } from '../../src/alerts/state.js';
import { simulate, type Truth } from '../../src/simulate/index.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/types.js';
import { startSmtp, type TestSmtp } from '../notify/smtp.js';
import { runMine } from './cli.js';

/**
 * `kmswatch collect` end to end on simulator output (2 hosts, 80 clients, 40 days, EVTX), into
 * SQLite, mailing through a real SMTP server. The expected alerts come from the simulator's
 * truth.json (its own record of what it emitted), not from kmswatch's analysis.
 */
let dir = '';
let truth: Truth;
let smtp: TestSmtp;
let store: Store;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kmswatch-sim-'));
  truth = simulate({ out: path.join(dir, 'logs'), clients: 80, hosts: 2, days: 40, seed: 3, format: 'evtx' }).truth;
  smtp = await startSmtp();
  await writeFile(
    path.join(dir, 'kmswatch.yaml'),
    `sources:\n  - files: logs/*.evtx\nmail:\n  smtp: "${smtp.url}"\n  from: kmswatch@contoso.test\n  to: [kms-admins@contoso.test]\n`,
  );
  store = await openSqliteStore(path.join(dir, 'kms.db'));
});

afterAll(async () => {
  await store?.close();
  await smtp?.close();
});

/** low-count alerts per truth.json: for each threshold, current < m → critical; current < m + 2 → warning. */
function expectedLowCount(t: Truth): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const h of t.hosts) {
    for (const c of h.counts) {
      for (const th of c.thresholds) {
        if (c.current < th.minimum) out.push([`low-count:${h.host.toLowerCase()}:${c.application}:${th.minimum}`, 'critical']);
        else if (c.current < th.minimum + 2) out.push([`low-count:${h.host.toLowerCase()}:${c.application}:${th.minimum}`, 'warning']);
      }
    }
  }
  return out.sort();
}

describe('collect on simulated logs', () => {
  it('mails the first run, not the second; alerts match truth.json', async () => {
    const config = path.join(dir, 'kmswatch.yaml');
    const first = await runMine(['collect', '--config', config, '--at', truth.at], { store });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/logs\/\*\.evtx: 4 files \(0 unchanged\), \d+ new requests/);
    expect(smtp.messages).toHaveLength(1);

    const states = await store.alertStates!();
    const lowCount = states.filter((s) => s.rule === 'low-count').map((s) => [s.id, s.severity]);
    const expected = expectedLowCount(truth);
    expect(expected.length).toBeGreaterThan(0); // the seed gives at least one host below its threshold
    expect(lowCount.sort()).toEqual(expected);

    // notification: truth counts the non-lapsed clients in state 5 over all hosts
    const inNotification = states.filter((s) => s.rule === 'notification').reduce((n, s) => n + (parseDetails(s).clientsTotal ?? 0), 0);
    expect(inNotification).toBe(truth.clients.notificationCount);

    const mail = smtp.messages[0];
    expect(mail.subject).toMatch(/^\[KMS\] CRITICAL /);
    // issue 25: the mail names each alert by its title, never by its internal id
    for (const [id] of expected) expect(mail.text).toContain(alertTitle(states.find((s) => s.id === id)!));
    expect(mail.text).not.toContain('low-count:');
    expect(mail.attachments.map((a) => a.filename)).toEqual(['clients.csv']);

    const second = await runMine(['collect', '--config', config, '--at', truth.at], { store });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('4 files (4 unchanged)');
    expect(second.stdout).toMatch(/nothing new: no mail sent/);
    expect(smtp.messages).toHaveLength(1);
  });
});
