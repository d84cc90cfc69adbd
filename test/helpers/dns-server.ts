/**
 * A real DNS server on 127.0.0.1 (UDP and TCP on one random port) built on dns2, serving a zone given
 * by the test: SRV, CNAME, A and AAAA records with TTLs; NXDOMAIN for names not in the zone; SERVFAIL,
 * REFUSED, an undecodable answer, an answer with the wrong id or no answer at all for names marked so.
 * Answers over 512 bytes are truncated over UDP by dns2 itself (TC bit, RFC 1035 §4.2.1) and answered
 * in full over TCP. Also: a UDP port that takes questions and never answers, and a UDP port where
 * nothing listens.
 */
import dgram from 'node:dgram';
import type { AddressInfo, Socket } from 'node:net';
import { createTCPServer, createUDPServer, Packet, type Resource } from 'dns2';

export type ZoneRecord =
  | { name: string; type: 'A' | 'AAAA'; ttl: number; address: string }
  | { name: string; type: 'CNAME'; ttl: number; target: string }
  | { name: string; type: 'SRV'; ttl: number; target: string; port: number; priority: number; weight: number };

export interface Zone {
  records: ZoneRecord[];
  /** Names answered SERVFAIL, REFUSED, with bytes that are no DNS message, or never. */
  servfail?: string[];
  refused?: string[];
  garbage?: string[];
  silent?: string[];
  /** Names answered in full but with another id than the question's (a late or spoofed answer). */
  wrongId?: string[];
  /**
   * Whether an answer carries the CNAME chain to the records asked for (as BIND does inside its
   * zones). When false only the first CNAME is given, and the client must ask for its target.
   */
  followCnames?: boolean;
}

export interface AskedQuestion {
  name: string;
  type: string;
  transport: 'udp' | 'tcp';
}

export interface TestDnsServer {
  /** `127.0.0.1:port`, as checkDiscovery takes it. */
  server: string;
  port: number;
  /** Every question received, in order. */
  questions: AskedQuestion[];
  close(): Promise<void>;
}

const TYPE_NAMES: Record<number, string> = { [Packet.TYPE.A]: 'A', [Packet.TYPE.AAAA]: 'AAAA', [Packet.TYPE.CNAME]: 'CNAME', [Packet.TYPE.SRV]: 'SRV' };
/** RFC 1035 §4.1.1 response codes (dns2 has Packet.RCODE, its typings do not). */
const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;
/** How far the server follows CNAMEs inside its zone before it stops (a loop in the zone). */
const SERVER_CNAME_LIMIT = 16;

export async function startDnsServer(zone: Zone): Promise<TestDnsServer> {
  const questions: AskedQuestion[] = [];
  const byName = new Map<string, ZoneRecord[]>();
  for (const record of zone.records) {
    const key = lower(record.name);
    byName.set(key, [...(byName.get(key) ?? []), record]);
  }
  const marked = (list: string[] | undefined, name: string) => (list ?? []).some((n) => lower(n) === name);

  const handler = (transport: 'udp' | 'tcp') => (request: Packet, send: (response: Packet | Buffer) => Promise<Buffer>) => {
    const [question] = request.questions;
    const name = lower(question.name);
    questions.push({ name, type: TYPE_NAMES[question.type] ?? String(question.type), transport });
    if (marked(zone.silent, name)) return;
    if (marked(zone.garbage, name)) {
      // The request's id, a response header claiming one question, and nothing after it.
      const bytes = Buffer.from([0, 0, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]);
      bytes.writeUInt16BE(request.header.id, 0);
      void send(bytes);
      return;
    }
    const response = Packet.createResponseFromRequest(request);
    response.header.aa = 1;
    if (marked(zone.servfail, name)) response.header.rcode = RCODE.SERVFAIL;
    else if (marked(zone.refused, name)) response.header.rcode = RCODE.REFUSED;
    else {
      const { rcode, answers } = answer(byName, name, question.type, zone.followCnames ?? true);
      response.header.rcode = rcode;
      response.answers.push(...answers);
    }
    if (marked(zone.wrongId, name)) response.header.id = (request.header.id + 1) & 0xffff;
    void send(response);
  };

  for (let attempt = 0; ; attempt++) {
    const udp = createUDPServer(handler('udp'));
    await udp.listen(0, '127.0.0.1');
    const port = (udp.address() as AddressInfo).port;
    const tcp = createTCPServer(handler('tcp'));
    const connections = new Set<Socket>();
    tcp.on('connection', (socket: Socket) => {
      connections.add(socket);
      socket.on('close', () => connections.delete(socket));
    });
    const listening = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (!listening) {
      // Another program holds this port over TCP: take another pair.
      await new Promise<void>((resolve) => udp.close(() => resolve()));
      if (attempt < 5) continue;
      throw new Error('startDnsServer: no port free for both UDP and TCP');
    }
    return {
      server: `127.0.0.1:${port}`,
      port,
      questions,
      async close() {
        for (const socket of connections) socket.destroy();
        await Promise.all([new Promise<void>((resolve) => udp.close(() => resolve())), new Promise<void>((resolve) => tcp.close(() => resolve()))]);
      },
    };
  }
}

/** What an authoritative server answers for name/type in this zone. */
function answer(byName: Map<string, ZoneRecord[]>, name: string, type: number, followCnames: boolean): { rcode: number; answers: Resource[] } {
  const answers: Resource[] = [];
  let current = name;
  for (let hops = 0; hops <= SERVER_CNAME_LIMIT; hops++) {
    const records = byName.get(current);
    // A chain into a name that does not exist is NXDOMAIN with the chain (RFC 6604).
    if (!records) return { rcode: RCODE.NXDOMAIN, answers };
    const wanted = records.filter((r) => Packet.TYPE[r.type] === type);
    if (wanted.length > 0) return { rcode: RCODE.NOERROR, answers: [...answers, ...wanted.map(resource)] };
    const cname = records.find((r) => r.type === 'CNAME');
    if (!cname || cname.type !== 'CNAME') break;
    answers.push(resource(cname));
    if (!followCnames) break;
    current = lower(cname.target);
  }
  return { rcode: RCODE.NOERROR, answers };
}

/** A zone record as a dns2 resource. */
function resource(record: ZoneRecord): Resource {
  const base = { name: record.name, type: Packet.TYPE[record.type], class: Packet.CLASS.IN, ttl: record.ttl };
  switch (record.type) {
    case 'A':
    case 'AAAA':
      return new Packet.Resource({ ...base, address: record.address });
    case 'CNAME':
      return new Packet.Resource({ ...base, domain: record.target });
    case 'SRV':
      return new Packet.Resource({ ...base, target: record.target, port: record.port, priority: record.priority, weight: record.weight });
  }
}

function lower(name: string): string {
  return name.replace(/\.$/, '').toLowerCase();
}

/** A UDP port on 127.0.0.1 that reads every question and answers none. */
export async function startSilentDnsServer(): Promise<{ server: string; received: () => number; close(): Promise<void> }> {
  const socket = dgram.createSocket('udp4');
  let received = 0;
  socket.on('message', () => received++);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    server: `127.0.0.1:${socket.address().port}`,
    received: () => received,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** `127.0.0.1:port` of a UDP port that was just free: bound, then closed. */
export async function closedUdpServer(): Promise<string> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return `127.0.0.1:${port}`;
}
