import { describe, expect, it } from 'vitest';
import { checkDiscovery, DiscoverError, discoveryDomains, formatDnsServer, parseDnsServer } from '../../src/discover/index.js';
import { compareAddresses } from '../../src/discover/order.js';

describe('discoveryDomains', () => {
  it('gives the DNS suffix of each FQDN, lower case, once, sorted', () => {
    const names = ['KMS1.Corp.Contoso.com.', 'pc7.corp.contoso.com', 'x.sales.contoso.com', 'laptop', '10.0.0.5', '::1', 'bad name.contoso.com', 'a..b', 'web.b'];
    // By hand: the first label dropped from the three good FQDNs and from web.b; the rest give none.
    expect(discoveryDomains(names)).toEqual(['b', 'corp.contoso.com', 'sales.contoso.com']);
  });

  it('gives nothing for nothing', () => {
    expect(discoveryDomains([])).toEqual([]);
  });
});

describe('parseDnsServer', () => {
  it.each([
    ['10.0.0.1', { address: '10.0.0.1', port: 53, family: 4 }, '10.0.0.1:53'],
    ['10.0.0.1:5353', { address: '10.0.0.1', port: 5353, family: 4 }, '10.0.0.1:5353'],
    ['::1', { address: '::1', port: 53, family: 6 }, '[::1]:53'],
    ['[::1]:53', { address: '::1', port: 53, family: 6 }, '[::1]:53'],
    ['[fd00::2]:1053', { address: 'fd00::2', port: 1053, family: 6 }, '[fd00::2]:1053'],
  ])('%s', (text, parsed, formatted) => {
    expect(parseDnsServer(text)).toEqual(parsed);
    expect(formatDnsServer(parseDnsServer(text))).toBe(formatted);
  });

  it.each(['dns.example.com', '10.0.0.1:0', '10.0.0.1:65536', '10.0.0.1:', '::1:53x', '[10.0.0.1]:53', '[::1', '', '10.0.0.300'])('refuses %j', (text) => {
    expect(() => parseDnsServer(text)).toThrow(expect.objectContaining({ name: 'DiscoverError', code: 'DISCOVER_BAD_SERVER', value: text }));
  });
});

describe('checkDiscovery options', () => {
  it('refuses a bad DNS server, domain or timeout before asking anything', async () => {
    await expect(checkDiscovery({ domains: ['corp.test'], dnsServers: ['nonsense'] })).rejects.toMatchObject({ code: 'DISCOVER_BAD_SERVER' });
    await expect(checkDiscovery({ domains: ['corp test'], dnsServers: ['127.0.0.1:9'] })).rejects.toMatchObject({ code: 'DISCOVER_BAD_DOMAIN' });
    await expect(checkDiscovery({ domains: ['corp.test'], dnsServers: ['127.0.0.1:9'], timeoutMs: 0 })).rejects.toMatchObject({ code: 'DISCOVER_BAD_TIMEOUT' });
    await expect(checkDiscovery({ domains: ['corp.test'], dnsServers: [] })).rejects.toBeInstanceOf(DiscoverError);
  });

  it('checks nothing for no domains', async () => {
    const check = await checkDiscovery({ domains: [], dnsServers: ['127.0.0.1:9'], now: () => 5, seenFrom: 'here' });
    expect(check).toEqual({ checkedAt: 5, seenFrom: 'here', dnsServers: ['127.0.0.1:9'], timeoutMs: 2000, domains: [] });
  });
});

describe('compareAddresses', () => {
  it('puts IPv4 first, each family in numeric order', () => {
    const shuffled = ['::1', '10.0.0.10', 'fe80::1', '2001:db8::ffff:10.0.0.1', '10.0.0.9', '2001:db8::1', '9.255.255.255'];
    // By hand: 9.x < 10.0.0.9 < 10.0.0.10; then ::1 (all zero but the last) < 2001:db8::1 < 2001:db8::ffff:a00:1 < fe80::1.
    expect([...shuffled].sort(compareAddresses)).toEqual(['9.255.255.255', '10.0.0.9', '10.0.0.10', '::1', '2001:db8::1', '2001:db8::ffff:10.0.0.1', 'fe80::1']);
  });
});
