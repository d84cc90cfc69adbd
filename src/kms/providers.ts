/**
 * Provider names under which Windows writes KMS events, as different exports spell them:
 * XML/Get-WinEvent `Microsoft-Windows-Security-SPP`, Event Viewer `Security-SPP`, Get-EventLog's
 * classic source `KmsRequests` (KMS log) or `Software Protection Platform Service` (EventSourceName),
 * and Vista/2008's `Microsoft-Windows-Security-Licensing-SLC`.
 */
const KMS_PROVIDERS = new Set([
  'security-spp',
  'security-licensing-slc',
  'kmsrequests',
  'software protection platform service',
  'sppsvc',
]);

export type ProviderVerdict = 'kms' | 'foreign' | 'absent';

/** Verdicts by provider text as written: an export repeats a handful of names for every event. */
const verdicts = new Map<string, ProviderVerdict>();
const MAX_CACHED_VERDICTS = 1024;

export function classifyProvider(provider: string | undefined): ProviderVerdict {
  if (provider === undefined) return 'absent';
  let verdict = verdicts.get(provider);
  if (verdict === undefined) {
    verdict = classify(provider);
    if (verdicts.size >= MAX_CACHED_VERDICTS) verdicts.clear();
    verdicts.set(provider, verdict);
  }
  return verdict;
}

function classify(provider: string): ProviderVerdict {
  const p = provider.trim().toLowerCase();
  if (p === '') return 'absent';
  const short = p.startsWith('microsoft-windows-') ? p.slice('microsoft-windows-'.length) : p;
  return KMS_PROVIDERS.has(short) ? 'kms' : 'foreign';
}
