import cliProgress from 'cli-progress';
import { printable } from '../report/cells.js';
import type { OutputStream } from './context.js';
import { terminalControls } from './terminal.js';

/** What an ingest reports while it runs; every field optional so any progress shape fits. */
export interface ProgressUpdate {
  file?: string;
  filesDone?: number;
  files?: number;
  events?: number;
  bytesRead?: number;
  bytesTotal?: number;
}

export interface Progress {
  update: (p: ProgressUpdate) => void;
  stop: () => void;
}

/** A bar on stderr when it is a terminal; nothing at all otherwise (logs and pipes stay clean). */
export function createProgress(stderr: OutputStream, files: number): Progress {
  if (!stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      // the bar moves the cursor, so it writes to the terminal itself; the file name is escaped below
      stream: terminalControls(stderr) as NodeJS.WritableStream,
      format: ' {bar} {percentage}% | {value}/{total} {unit} | {events} events | {file}',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let byBytes = false;
  bar.start(files, 0, { unit: 'files', events: 0, file: '' });
  return {
    update(p) {
      const payload = { unit: byBytes ? 'MB' : 'files', events: p.events ?? 0, file: p.file ? shortName(p.file) : '' };
      if (p.bytesTotal !== undefined && p.bytesRead !== undefined) {
        byBytes = true;
        bar.setTotal(Math.max(1, Math.round(p.bytesTotal / 1e6)));
        bar.update(Math.round(p.bytesRead / 1e6), { ...payload, unit: 'MB' });
      } else if (p.filesDone !== undefined) {
        bar.update(p.filesDone, payload);
      } else {
        bar.update(payload);
      }
    },
    stop() {
      bar.stop();
    },
  };
}

function shortName(file: string): string {
  const base = printable(file.split(/[\\/]/).pop() ?? file);
  return base.length > 40 ? `…${base.slice(-39)}` : base;
}
