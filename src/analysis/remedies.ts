/**
 * What to do about each alert, in one place: the same sentences on the page, in the mail and in the
 * CLI (docs/alerts.md "Remedies"). Texts name the host and commands; numbers come from the rule.
 */
import { describeResult, parseHresult } from '../kms/codes.js';

/** DNS publishing (12293). The result codes a KMS host logs there, with what each asks for. */
export function dnsPublishRemedy(host: string, domain: string | null, resultHex: string | null): string {
  const zone = domain ? `the ${domain} zone` : 'its DNS zone';
  const steps =
    `Give ${host}'s computer account the right to create and update the _vlmcs._tcp SRV record in ${zone} ` +
    `(DNS Manager: zone Properties > Security; a record created by an old host must be deleted or handed to this one), ` +
    `allow secure dynamic updates on the zone, check that ${host} uses DNS servers that hold the zone, ` +
    `then restart the Software Protection service (net stop sppsvc, net start sppsvc) and look for event 12294. ` +
    `Until then, clients find the host only with slmgr /skms ${host}:1688.`;
  const code = resultHex ? parseHresult(resultHex) : null;
  if (code === 0x8007232a) return `${resultHex} is "DNS server failure": the DNS server refused the update. ${steps}`;
  if (code === 0x80070005) return `${resultHex} is "access denied". ${steps}`;
  return steps;
}

export function kmsStartRemedy(host: string, resultHex: string | null): string {
  const code = resultHex ? parseHresult(resultHex) : null;
  const known = code === null ? null : describeResult(code);
  const specific = known?.known ? `${known.remedy} ` : '';
  return `${specific}On ${host}, check the Software Protection service (sc query sppsvc) and the host key (slmgr /dlv), then restart the service.`;
}

export function idleRemedy(host: string): string {
  return (
    `Check that the Software Protection service runs on ${host} and that clients reach it on TCP 1688 ` +
    `(nslookup -type=srv _vlmcs._tcp shows it, Test-NetConnection ${host} -Port 1688). ` +
    `If clients moved to another host on purpose, retire ${host} from the sources.`
  );
}

export function cloneRemedy(cmid: string): string {
  return (
    `Machines cloned without sysprep /generalize share CMID ${cmid} and are counted once. On each copy but one run ` +
    `slmgr /rearm and restart (a new CMID), and rebuild the image with sysprep /generalize (SkipRearm=0).`
  );
}

export function failureRemedy(result: number): string {
  return describeResult(result).remedy;
}

export const NOTIFICATION_REMEDY =
  'These clients are not activated and nag their users. If the host count is below their minimum they activate by ' +
  'themselves once it is met; otherwise check they reach a host (TCP 1688, the _vlmcs._tcp SRV record) and run slmgr /ato.';

export const EXPIRING_REMEDY =
  'These clients have not renewed: check they still reach a KMS host (nslookup -type=srv _vlmcs._tcp, TCP 1688), ' +
  'then run slmgr /ato on them before the activation runs out.';

export function anomaliesRemedy(host: string): string {
  return (
    `Events that are not KMS requests were written to ${host}'s Key Management Service log. Find the program ` +
    `writing them (the provider names in the details); a foreign writer on a KMS host is worth a security review.`
  );
}

export const UNKNOWN_PRODUCT_REMEDY =
  'Update kmswatch (its product table comes with it) so that it knows these Activation IDs; until then their ' +
  'clients are counted as Windows client editions when they ask for 25, and left out of the counts otherwise.';

/** A count that falls below its threshold within a renewal interval if no client returns. */
export function countAtRiskRemedy(host: string): string {
  return (
    `Clients renew every 7 days and keep the count up: check that ${host}'s clients still reach it (TCP 1688, the ` +
    `_vlmcs._tcp SRV record) and that no other host took them over; clients silent for more than 8 days are listed as overdue.`
  );
}

/** The stored log does not cover the 30-day window: the count can only be too low. */
export function partialCoverageRemedy(host: string): string {
  return (
    `Ingest the missing days of ${host}'s Key Management Service log (an older export or a backup) and collect it ` +
    `before it wraps (more often, or a bigger log: wevtutil sl "Key Management Service" /ms:<bytes>). The real count may be higher.`
  );
}

/**
 * General advice per rule, for an alert stored before alerts carried their own remedy (and for a
 * resolved alert read back from an old store). Keyed by rule name (src/alerts/types.ts RuleName).
 */
export function ruleRemedy(rule: string, host: string | null): string {
  const h = host ?? 'the KMS host';
  switch (rule) {
    case 'low-count':
      return `Clients of ${h} that are not activated wait for the count; bring back lapsed clients, point clients counted by other hosts at ${h} (slmgr /skms ${h}:1688), and look for cloned CMIDs.`;
    case 'count-forecast':
      return countAtRiskRemedy(h);
    case 'idle-host':
      return idleRemedy(h);
    case 'dns-publish-failed':
      return dnsPublishRemedy(h, null, null);
    case 'kms-start-failed':
      return kmsStartRemedy(h, null);
    case 'clone':
      return 'Machines cloned without sysprep /generalize share a CMID and are counted once: run slmgr /rearm and restart on each copy but one.';
    case 'failure-spike':
      return 'Look up the result code under Failures: its remedy depends on the code and the product.';
    case 'notification':
      return NOTIFICATION_REMEDY;
    case 'expiring':
      return EXPIRING_REMEDY;
    case 'anomalies':
      return anomaliesRemedy(h);
    case 'unknown-product':
      return UNKNOWN_PRODUCT_REMEDY;
    case 'discovery':
      return `Run kmswatch discover and kmswatch report: the finding's own remedy (DNS records and their permissions, TCP 1688, a rogue host) is listed with it (README "Can clients find a KMS host?").`;
    default:
      return `See docs/alerts.md for the ${rule} rule.`;
  }
}

// ---- reaching a KMS host: the discovery check and the clients' own events (docs/definitions.md "discovery findings") ----

const FIREWALL_RULE = 'netsh advfirewall firewall set rule name="Key Management Service (TCP-In)" new enable=yes';

/** Clients whose newest request got no answer from `host` (null: their 12288 named no host). */
export function unansweredClientsRemedy(host: string | null, port: number | null): string {
  if (host === null) {
    return (
      'These clients found no KMS host: check the _vlmcs._tcp SRV record of their DNS domain ' +
      '(nslookup -type=srv _vlmcs._tcp.<domain>) and that the KMS host publishes it (events 12293/12294). ' +
      'As a stopgap, point a client at a host with slmgr /skms <host>:1688 and run slmgr /ato.'
    );
  }
  const p = port ?? 1688;
  return (
    `On ${host}, open TCP ${p} (${FIREWALL_RULE}) and check that the Software Protection service runs ` +
    `(sc query sppsvc); from a client, Test-NetConnection ${host} -Port ${p}. ` +
    `As a stopgap, point the clients at a host that answers with slmgr /skms <host>:1688 and run slmgr /ato.`
  );
}

/** A KMS host that is neither collected nor listed: find it, remove it, point its clients back. */
export function rogueHostRemedy(name: string): string {
  return (
    `Find out who runs ${name} (nslookup ${name}; the machine or device at that address) and whether the ` +
    `_vlmcs._tcp SRV records of your domains name it (nslookup -type=srv _vlmcs._tcp.<domain>); remove an ` +
    `unauthorised KMS host and its SRV record. Then point its clients back: slmgr /ckms (DNS discovery) or ` +
    `slmgr /skms <your host>:1688, and slmgr /ato. If ${name} is yours, add it to kmswatch's sources, or to ` +
    'discover.knownHosts when its log is not collected.'
  );
}

/** A known KMS host that clients use while kmswatch does not read its log. */
export function uncollectedHostRemedy(host: string): string {
  return (
    `Add ${host}'s Key Management Service log (and Application log) to kmswatch's sources: the clients it ` +
    'serves are missing from every count, failure and forecast here.'
  );
}

/** The count a host returned to a client differs from the one its stored log gives. */
export function countDiffersRemedy(host: string): string {
  return (
    `Compare with slmgr /dlv on ${host} ("Current count"). A lower count here: ${host}'s log was cleared or ` +
    `wrapped before it was collected, or part of it is not ingested (see Coverage). A count that matches neither: ` +
    `another machine answers as ${host} (a second host with the same name or address: nslookup ${host}).`
  );
}

/** The SRV lookup itself failed (timeout, SERVFAIL…): nothing is known about the record. */
export function lookupFailedRemedy(domain: string, dnsServer: string, seenFrom: string): string {
  return (
    `Check that ${seenFrom} reaches the DNS server ${dnsServer} and that it serves ${domain} ` +
    `(nslookup -type=srv _vlmcs._tcp.${domain} ${dnsServer.replace(/:53$/, '')}), then run kmswatch discover again.`
  );
}

/** No `_vlmcs._tcp` record in a domain; `hosts`: the collected hosts of that domain. */
export function missingRecordRemedy(domain: string, hosts: readonly string[]): string {
  const host = hosts.length === 1 ? hosts[0] : null;
  if (host !== null) return dnsPublishRemedy(host, domain, null);
  const who = hosts.length > 1 ? hosts.join(', ') : 'the KMS host';
  return (
    `Let ${who} publish _vlmcs._tcp.${domain}: give the KMS host's computer account write access to the ` +
    `_vlmcs._tcp record in the ${domain} zone (or create the SRV record by hand: priority 0, weight 0, port 1688, ` +
    `target the host's FQDN), then restart the Software Protection service on the host and look for event 12294. ` +
    'Until then, clients find a host only with slmgr /skms <host>:1688.'
  );
}

export function targetUnresolvedRemedy(target: string, domain: string): string {
  return (
    `Add the A/AAAA record of ${target}, or remove the SRV record that names it from _vlmcs._tcp.${domain} ` +
    '(a host that was retired or renamed leaves a stale record: clients try it first and time out).'
  );
}

export function targetUnreachableRemedy(target: string, port: number): string {
  return (
    `On ${target}, open TCP ${port} (${FIREWALL_RULE}) and check that the Software Protection service runs ` +
    `(sc query sppsvc). If ${target} is no longer a KMS host, remove its SRV record.`
  );
}

/** DNS sends clients to a collected host that logged no request. */
export function publishedIdleRemedy(host: string): string {
  return `DNS sends clients to ${host}, yet its log shows no request: ${idleRemedy(host)}`;
}

/** A host that serves requests but no checked domain publishes. */
export function unpublishedHostRemedy(host: string): string {
  return (
    `Only clients pointed at ${host} by hand (slmgr /skms) or by policy reach it; new clients cannot find it. ` +
    `If it should be found, enable publishing (slmgr /sdns on ${host}, and the DnsDomainPublishList for other domains) ` +
    'and fix its 12293 events; if it should not serve clients, find who points them at it.'
  );
}

export function weightSkewRemedy(domain: string): string {
  return (
    `If the hosts should share the clients of ${domain}, give their SRV records equal weights ` +
    '(the weight in each host\'s DnsDomainPublishList value, "domain,priority,weight", under ' +
    'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\SoftwareProtectionPlatform, then restart the Software Protection service; ' +
    'or edit the records in DNS Manager when they are kept by hand).'
  );
}
