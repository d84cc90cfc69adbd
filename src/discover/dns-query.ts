/**
 * One DNS question to one server, as raw packets (dns-packet encodes and decodes): over UDP, again
 * over TCP when the UDP answer is truncated. Raw, because node:dns resolveSrv gives no TTL.
 * Whatever happens is a value: an answer (NOERROR or NXDOMAIN, the two a zone gives) or a failure.
 */
import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import type { DnsServer } from './servers.js';
import type { DnsFailureKind } from './types.js';

export type QueryType = 'SRV' | 'A' | 'AAAA';

export interface DnsAnswer {
  ok: true;
  rcode: 'NOERROR' | 'NXDOMAIN';
  answers: dnsPacket.Answer[];
  /** Whether the answer came over TCP after a truncated UDP answer. */
  overTcp: boolean;
}

export interface DnsFailure {
  ok: false;
  failure: DnsFailureKind;
  detail: string;
}

export type DnsReply = DnsAnswer | DnsFailure;

type Exchange = { ok: true; bytes: Buffer } | DnsFailure;

/** RFC 1035 §4.1.1 RCODE values other than NOERROR (0) and NXDOMAIN (3), by name for details. */
const RCODE_NAMES: Record<number, string> = { 1: 'FORMERR', 2: 'SERVFAIL', 4: 'NOTIMP', 5: 'REFUSED', 9: 'NOTAUTH' };

export async function queryDns(server: DnsServer, name: string, type: QueryType, timeoutMs: number): Promise<DnsReply> {
  const udpId = randomInt(0, 0x10000);
  const udp = await exchangeUdp(server, encodeQuery(udpId, name, type), udpId, timeoutMs);
  if (!udp.ok) return udp;
  const first = readReply(udp.bytes, name, type, false);
  if (!(first.ok && first.truncated)) return first.ok ? first.reply : first;
  const tcpId = randomInt(0, 0x10000);
  const tcp = await exchangeTcp(server, encodeQuery(tcpId, name, type), tcpId, timeoutMs);
  if (!tcp.ok) return tcp;
  const second = readReply(tcp.bytes, name, type, true);
  return second.ok ? second.reply : second;
}

function encodeQuery(id: number, name: string, type: QueryType): Buffer {
  // No EDNS OPT record: answers over 512 bytes come back truncated and are asked again over TCP.
  return dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name, class: 'IN' }] });
}

function readReply(bytes: Buffer, name: string, type: QueryType, overTcp: boolean): { ok: true; reply: DnsAnswer; truncated: boolean } | DnsFailure {
  let packet: dnsPacket.DecodedPacket;
  try {
    packet = dnsPacket.decode(bytes);
  } catch (err) {
    return { ok: false, failure: 'malformed', detail: `undecodable answer (${err instanceof Error ? err.message : String(err)})` };
  }
  const question = packet.questions?.[0];
  if (!packet.flag_qr || (question && (question.type !== type || !sameName(question.name, name)))) {
    return { ok: false, failure: 'malformed', detail: 'the answer does not match the question' };
  }
  // The header's low four bits (RFC 1035 §4.1.1); read from the bytes, dns-packet's typings lack it.
  const rcode = bytes.readUInt16BE(2) & 0xf;
  if (rcode === 2) return { ok: false, failure: 'servfail', detail: 'SERVFAIL' };
  if (rcode === 5) return { ok: false, failure: 'refused', detail: 'REFUSED' };
  if (rcode !== 0 && rcode !== 3) return { ok: false, failure: 'error', detail: `rcode ${rcode}${RCODE_NAMES[rcode] ? ` (${RCODE_NAMES[rcode]})` : ''}` };
  return {
    ok: true,
    truncated: packet.flag_tc && !overTcp,
    reply: { ok: true, rcode: rcode === 0 ? 'NOERROR' : 'NXDOMAIN', answers: packet.answers ?? [], overTcp },
  };
}

function sameName(a: string, b: string): boolean {
  return a.replace(/\.$/, '').toLowerCase() === b.replace(/\.$/, '').toLowerCase();
}

function timedOut(timeoutMs: number): DnsFailure {
  return { ok: false, failure: 'timeout', detail: `timed out after ${timeoutMs} ms` };
}

/** A socket error: ICMP unreachable messages surface as ECONNREFUSED/EHOSTUNREACH/ENETUNREACH. */
function socketFailure(err: unknown): DnsFailure {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return { ok: false, failure: 'unreachable', detail: 'port unreachable (ECONNREFUSED)' };
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return { ok: false, failure: 'unreachable', detail: `unreachable (${code})` };
  return { ok: false, failure: 'error', detail: code ?? (err instanceof Error ? err.message : String(err)) };
}

function exchangeUdp(server: DnsServer, query: Buffer, id: number, timeoutMs: number): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(server.family === 6 ? 'udp6' : 'udp4');
    let done = false;
    const finish = (result: Exchange) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.close();
      resolve(result);
    };
    const timer = setTimeout(() => finish(timedOut(timeoutMs)), timeoutMs);
    socket.on('error', (err) => finish(socketFailure(err)));
    // A connected socket takes datagrams from the server only, and learns of an ICMP port
    // unreachable (ECONNREFUSED) instead of waiting for the timeout. Datagrams with another id are
    // not the answer (a late one, or a spoof) and are ignored.
    socket.on('message', (message) => {
      if (message.length >= 2 && message.readUInt16BE(0) === id) finish({ ok: true, bytes: message });
    });
    socket.connect(server.port, server.address, () => {
      socket.send(query, (err) => {
        if (err) finish(socketFailure(err));
      });
    });
  });
}

/** RFC 1035 §4.2.2: over TCP each message is preceded by its length as two bytes. */
function exchangeTcp(server: DnsServer, query: Buffer, id: number, timeoutMs: number): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: server.address, port: server.port, family: server.family });
    let received = Buffer.alloc(0);
    let done = false;
    const finish = (result: Exchange) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish(timedOut(timeoutMs)), timeoutMs);
    socket.on('error', (err) => finish(socketFailure(err)));
    socket.on('connect', () => {
      const length = Buffer.alloc(2);
      length.writeUInt16BE(query.length);
      socket.write(Buffer.concat([length, query]));
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 2 || received.length < 2 + received.readUInt16BE(0)) return;
      const message = received.subarray(2, 2 + received.readUInt16BE(0));
      if (message.length < 2 || message.readUInt16BE(0) !== id) finish({ ok: false, failure: 'malformed', detail: 'the answer over TCP carries another id' });
      else finish({ ok: true, bytes: message });
    });
    socket.on('close', () => finish({ ok: false, failure: 'error', detail: 'the server closed the TCP connection before answering' }));
  });
}
