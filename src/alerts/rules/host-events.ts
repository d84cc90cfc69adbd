import type { HostEventCountRow } from '../../store/types.js';
import type { AlertRulesConfig } from '../config.js';
import type { AlertFacts } from '../facts.js';
import type { AlertCandidate } from '../types.js';
import { dnsPublishRemedy, kmsStartRemedy } from '../../analysis/remedies.js';
import { DAY, idPart, isoMinute, sameHost } from './shared.js';

function latest(facts: AlertFacts, host: string, type: string): HostEventCountRow | undefined {
  return facts.hostEvents.find((e) => sameHost(e.host, host) && e.type === type);
}

/** 12293 newer than the host's last 12294: the _vlmcs SRV record is not published. */
export function dnsPublishAlerts(facts: AlertFacts, cfg: AlertRulesConfig['dnsPublish']): AlertCandidate[] {
  const out: AlertCandidate[] = [];
  for (const failed of facts.hostEvents.filter((e) => e.type === 'dns-publish-failed')) {
    const ok = latest(facts, failed.host, 'dns-publish-ok');
    if (ok && ok.lastAt >= failed.lastAt) continue;
    const where = failed.lastDomain ? ` in ${failed.lastDomain}` : '';
    const code = failed.lastResultHex ? ` (${failed.lastResultHex})` : '';
    out.push({
      id: `dns-publish-failed:${idPart(failed.host)}`,
      rule: 'dns-publish-failed',
      severity: cfg.severity ?? 'warning',
      host: failed.host,
      summary: `DNS publishing failed${where}${code}, last ${isoMinute(failed.lastAt)}`,
      title: `${failed.host} could not publish its _vlmcs._tcp SRV record to DNS${where}${code}, last ${isoMinute(failed.lastAt)}: clients that look the host up in DNS do not find it`,
      remedy: dnsPublishRemedy(failed.host, failed.lastDomain, failed.lastResultHex),
      details: { failures: failed.count, lastAt: new Date(failed.lastAt).toISOString(), domain: failed.lastDomain, resultHex: failed.lastResultHex },
      clients: [],
    });
  }
  return out;
}

/** 12291 within the look-back and no activation request processed since: KMS is not serving. */
export function kmsStartAlerts(facts: AlertFacts, cfg: AlertRulesConfig['kmsStart']): AlertCandidate[] {
  const out: AlertCandidate[] = [];
  for (const failed of facts.hostEvents.filter((e) => e.type === 'kms-start-failed')) {
    if (failed.lastAt <= facts.at - cfg.lookbackDays * DAY) continue;
    const served = facts.hosts.find((h) => sameHost(h.host, failed.host))?.lastRequestAt ?? null;
    if (served !== null && served > failed.lastAt) continue;
    const code = failed.lastResultHex ? ` (${failed.lastResultHex})` : '';
    out.push({
      id: `kms-start-failed:${idPart(failed.host)}`,
      rule: 'kms-start-failed',
      severity: cfg.severity ?? 'critical',
      host: failed.host,
      summary: `KMS failed to start${code}, last ${isoMinute(failed.lastAt)}`,
      title: `The Key Management Service on ${failed.host} failed to start${code}, last ${isoMinute(failed.lastAt)}, and has served no request since`,
      remedy: kmsStartRemedy(failed.host, failed.lastResultHex),
      details: { failures: failed.count, lastAt: new Date(failed.lastAt).toISOString(), resultHex: failed.lastResultHex },
      clients: [],
    });
  }
  return out;
}
