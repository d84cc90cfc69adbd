/** Where the pages get their data: the HTTP API (dashboard) or the in-browser store (offline page). */
import type { Report } from '../../../analysis/types.js';
import type { ClientPage, ClientQuery } from '../../clients-query.js';
import type { Overview, OverviewAlert } from '../../overview.js';
import type { Timeline } from '../../timeline.js';

/** An alert as the API and the offline engine give it (the overview's type). */
export type AlertView = OverviewAlert;

export interface RequestView {
  host: string;
  time: string;
  resultHex: string;
  machine: string;
  licenseState: number;
  minutesLeft: number;
  productName: string;
  source: string;
  /** time + minutesLeft; null when no expiry was given (the HTTP API sets it; computed when absent). */
  expiresAt?: string | null;
}

export interface RequestPage {
  total: number;
  page: number;
  pages: number;
  pageSize: number;
  requests: RequestView[];
}

/** The as-of time asked for: an instant, `latest` (the newest stored event) or now (undefined). */
export type AtChoice = number | 'latest' | undefined;

export type ClientParams = Omit<ClientQuery, 'at'>;

export interface DataSource {
  report(at: number | undefined): Promise<Report>;
  timeline(at: number): Promise<Timeline>;
  alerts(at: number): Promise<AlertView[]>;
  clients(at: number, q: ClientParams): Promise<ClientPage>;
  clientRequests(cmid: string): Promise<RequestView[]>;
  /** The first screen in one answer; without it the page builds it from report() and alerts(). */
  overview?(at: AtChoice): Promise<Overview>;
  /** One page of a client's requests at or before `at`; without it clientRequests() is paged here. */
  clientRequestsPage?(cmid: string, at: number, page: number, pageSize: number): Promise<RequestPage>;
}
