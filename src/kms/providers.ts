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

export function classifyProvider(provider: string | undefined): ProviderVerdict {
  const p = (provider ?? '').trim().toLowerCase();
  if (p === '') return 'absent';
  const short = p.startsWith('microsoft-windows-') ? p.slice('microsoft-windows-'.length) : p;
  return KMS_PROVIDERS.has(short) ? 'kms' : 'foreign';
}
