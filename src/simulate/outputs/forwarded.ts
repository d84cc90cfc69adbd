/**
 * `wevtutil qe ForwardedEvents /f:xml` on a Windows Event Forwarding collector (formats.md §3.4,
 * §3.8): a stream of `<Event>` fragments without a root element, attributes in single quotes as
 * Windows renders them, each event as the source computer wrote it (its Computer, its Channel,
 * its record id) plus the RenderingInfo a subscription's default RenderedText format adds.
 */
import { EVENT_NAMESPACE } from '../../evtx/writer/index.js';
import type { SimEvent } from '../events.js';
import { TextFileSink } from './file-sink.js';
import { escapeXml, systemTime, type LogOutput } from './formats.js';

const attr = (s: string) => escapeXml(s).replace(/'/g, '&apos;');

export function forwardedEventXml(ev: SimEvent): string {
  const provider = [`Name='${attr(ev.provider)}'`];
  if (ev.providerGuid) provider.push(`Guid='${attr(ev.providerGuid)}'`);
  if (ev.eventSourceName) provider.push(`EventSourceName='${attr(ev.eventSourceName)}'`);
  const qualifiers = ev.qualifiers === null || ev.qualifiers === undefined ? '' : ` Qualifiers='${ev.qualifiers}'`;
  const data = ev.data.map((d) => `<Data>${escapeXml(d)}</Data>`).join('');
  return (
    `<Event xmlns='${EVENT_NAMESPACE}'><System><Provider ${provider.join(' ')}/>` +
    `<EventID${qualifiers}>${ev.eventId}</EventID><Version>0</Version><Level>${ev.level}</Level><Task>0</Task><Opcode>0</Opcode>` +
    `<Keywords>0x${ev.keywords.toString(16)}</Keywords><TimeCreated SystemTime='${systemTime(ev.time)}'/>` +
    `<EventRecordID>${ev.recordId}</EventRecordID><Correlation/><Execution ProcessID='0' ThreadID='0'/>` +
    `<Channel>${escapeXml(ev.channel)}</Channel><Computer>${escapeXml(ev.computer)}</Computer><Security/></System>` +
    `<EventData>${data}</EventData>` +
    `<RenderingInfo Culture='en-US'><Message>${escapeXml(ev.message)}</Message><Level>Information</Level><Task></Task>` +
    `<Opcode></Opcode><Channel>${escapeXml(ev.channel)}</Channel><Provider>${escapeXml(ev.provider)}</Provider>` +
    `<Keywords><Keyword>Classic</Keyword></Keywords></RenderingInfo></Event>`
  );
}

export class ForwardedXmlOutput implements LogOutput {
  private readonly sink: TextFileSink;
  constructor(readonly file: string) {
    this.sink = new TextFileSink(file);
  }
  write(ev: SimEvent): void {
    this.sink.write(forwardedEventXml(ev) + '\r\n');
  }
  close(): void {
    this.sink.close();
  }
}
