import type { Answer } from 'dns-packet';
import { canonicalName } from './names.js';
import type { Resolver } from './resolver.js';
import type { TargetResolveStatus } from './types.js';

/** CNAMEs followed from one name before giving up (a chain this long is a misconfiguration). */
export const MAX_CNAME_HOPS = 8;

export interface ResolvedTarget {
  cnames: string[];
  status: TargetResolveStatus;
  detail: string | null;
  addresses: Array<{ address: string; family: 4 | 6 }>;
}

type FamilyResult =
  | { kind: 'addresses'; chain: string[]; addresses: string[] }
  | { kind: 'none'; chain: string[]; nxdomain: boolean }
  | { kind: 'failed'; chain: string[]; detail: string };

/**
 * The A and AAAA addresses of an SRV target. Additional records of the SRV answer are not used: each
 * address is asked for, so the addresses probed are the ones the servers give for the name itself.
 */
export async function resolveTarget(resolver: Resolver, target: string): Promise<ResolvedTarget> {
  const [a, aaaa] = await Promise.all([resolveFamily(resolver, target, 'A'), resolveFamily(resolver, target, 'AAAA')]);
  const cnames = a.chain.length > 0 ? a.chain : aaaa.chain;
  const addresses = [
    ...(a.kind === 'addresses' ? a.addresses.map((address) => ({ address, family: 4 as const })) : []),
    ...(aaaa.kind === 'addresses' ? aaaa.addresses.map((address) => ({ address, family: 6 as const })) : []),
  ];
  const failures = [a, aaaa].flatMap((r) => (r.kind === 'failed' ? [r.detail] : []));
  const failureDetail = failures.length > 0 ? failures.join('; ') : null;
  if (addresses.length > 0) return { cnames, status: 'resolved', detail: failureDetail, addresses };
  if (failureDetail) return { cnames, status: 'failed', detail: failureDetail, addresses };
  const nxdomain = a.kind === 'none' && a.nxdomain && aaaa.kind === 'none' && aaaa.nxdomain;
  return { cnames, status: 'no-address', detail: nxdomain ? 'NXDOMAIN' : 'no A or AAAA record (NOERROR)', addresses };
}

/**
 * Follows the CNAME chain an answer carries from `name`; when it ends in a CNAME without records of
 * `type`, asks again for the last name, up to MAX_CNAME_HOPS CNAMEs in all.
 */
async function resolveFamily(resolver: Resolver, target: string, type: 'A' | 'AAAA'): Promise<FamilyResult> {
  const chain: string[] = [];
  const seen = new Set([target]);
  let asked = target;
  for (;;) {
    const reply = await resolver.ask(asked, type);
    if (!reply.ok) return { kind: 'failed', chain, detail: `${type}${asked === target ? '' : ` ${asked}`}: ${reply.detail}` };
    let current = asked;
    for (let cname = cnameOf(reply.answers, current); cname !== null; cname = cnameOf(reply.answers, current)) {
      if (seen.has(cname)) return { kind: 'failed', chain, detail: `CNAME loop: ${[target, ...chain, cname].join(' → ')}` };
      if (chain.length >= MAX_CNAME_HOPS) return { kind: 'failed', chain, detail: `CNAME chain longer than ${MAX_CNAME_HOPS}: ${[target, ...chain, cname].join(' → ')}` };
      chain.push(cname);
      seen.add(cname);
      current = cname;
    }
    const addresses = reply.answers.flatMap((answer) => (answer.type === type && canonicalName(answer.name) === current ? [answer.data] : []));
    if (addresses.length > 0) return { kind: 'addresses', chain, addresses };
    if (current !== asked && reply.rcode === 'NOERROR') {
      asked = current;
      continue;
    }
    return { kind: 'none', chain, nxdomain: reply.rcode === 'NXDOMAIN' };
  }
}

function cnameOf(answers: Answer[], owner: string): string | null {
  const answer = answers.find((a) => a.type === 'CNAME' && canonicalName(a.name) === owner);
  return answer?.type === 'CNAME' ? canonicalName(answer.data) : null;
}
