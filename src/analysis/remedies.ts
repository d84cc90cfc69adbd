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
    default:
      return `See docs/alerts.md for the ${rule} rule.`;
  }
}
