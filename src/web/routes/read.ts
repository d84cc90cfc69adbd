/** Read-only JSON API: the report, clients, one client's requests, timelines, alerts, health. */
import { withSharedReads } from '../../store/shared-reads.js';
import type { FastifyInstance } from 'fastify';
import type { AlertRulesConfig } from '../../alerts/config.js';
import { currentAlerts } from '../../alerts/run.js';
import { buildReport } from '../../analysis/report.js';
import type { FailureReport } from '../../analysis/types.js';
import type { Store } from '../../store/types.js';
import { resolveAt } from '../as-of.js';
import { clientCsvColumns } from '../../report/columns.js';
import { renderCsv } from '../../report/csv.js';
import { APPLICATIONS, CLIENT_SORT_KEYS, parseStateName, queryClients, type ClientQuery } from '../clients-query.js';
import type { AppContext } from '../context.js';
import { WebError } from '../errors.js';
import { one, parseBool, parseChoice, parseInteger, type Query } from '../params.js';
import { OVERVIEW_FAILURES, overviewFromReport, type OverviewAlert } from '../overview.js';
import { buildTimeline } from '../timeline.js';

function clientQuery(q: Query, at: number): ClientQuery {
  const stateText = one(q, 'state');
  const state = stateText === undefined ? undefined : parseStateName(stateText);
  if (state === null) throw new WebError(`state: "${stateText}" is not a license state (0-6 or a name such as Licensed)`, 'WEB_BAD_REQUEST', 'state');
  const application = one(q, 'application');
  if (application !== undefined && !(APPLICATIONS as readonly string[]).includes(application)) {
    throw new WebError(`application: "${application}" is not one of ${APPLICATIONS.join(', ')}`, 'WEB_BAD_REQUEST', 'application');
  }
  const query: ClientQuery = {
    at,
    sort: parseChoice(q, 'sort', CLIENT_SORT_KEYS, 'machine'),
    desc: parseChoice(q, 'dir', ['asc', 'desc'] as const, 'asc') === 'desc',
    page: parseInteger(q, 'page', 1, 1, 1_000_000),
    pageSize: parseInteger(q, 'pageSize', 50, 0, 10_000),
  };
  const host = one(q, 'host');
  const search = one(q, 'search');
  const product = one(q, 'product');
  const vm = parseBool(q, 'vm');
  const lapsed = parseBool(q, 'lapsed');
  if (host !== undefined) query.host = host;
  if (search !== undefined) query.search = search;
  if (product !== undefined) query.product = product.toLowerCase();
  if (vm !== undefined) query.vm = vm;
  if (lapsed !== undefined) query.lapsed = lapsed;
  if (state !== undefined) query.state = state;
  if (application !== undefined) query.application = application as ClientQuery['application'];
  return query;
}

/** Requests of one client read at most (newest first); the page pages through them. */
const CLIENT_REQUESTS_MAX = 100_000;

async function reportOptions(q: Query, ctx: AppContext) {
  return {
    at: await resolveAt(q, ctx),
    timezone: ctx.timezone,
    idleHours: parseInteger(q, 'idleHours', ctx.alertRules.idleHost.hours, 1, 24 * 365),
    expiringDays: parseInteger(q, 'expiringDays', 14, 0, 3650),
    anomalyLimit: parseInteger(q, 'anomalies', 100, 0, 100_000),
    knownHosts: ctx.alertRules.discovery.knownHosts,
  };
}

/** What the rules (serve --config, else the defaults) find at `at`, with a count of clients instead of the list. */
async function alertViews(store: Store, at: number, rules: AlertRulesConfig): Promise<OverviewAlert[]> {
  return (await currentAlerts(store, at, rules)).map(({ clients, ...c }) => ({ ...c, clients: clients.length }));
}

export function registerReadRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/health', async () => ({ ok: true, backend: ctx.store.backend, version: ctx.version, writable: Boolean(ctx.token) && !ctx.store.readOnly }));

  app.get('/api/report', async (request) => {
    return buildReport(ctx.store, await reportOptions(request.query as Query, ctx));
  });

  app.get('/api/overview', async (request) => {
    const options = await reportOptions(request.query as Query, ctx);
    // the report and the rules read the same clients and counts: once
    const store = withSharedReads(ctx.store);
    const [report, alerts, products] = await Promise.all([
      buildReport(store, { ...options, anomalyLimit: 0, listLapsed: false, products: false }),
      alertViews(store, options.at, ctx.alertRules),
      ctx.store.productsSeen(options.at),
    ]);
    return overviewFromReport(report, alerts, products.map((p) => ({ activationId: p.activationId, product: p.productName })));
  });

  app.get('/api/clients', async (request) => {
    const q = request.query as Query;
    return queryClients(ctx.store, clientQuery(q, await resolveAt(q, ctx)), parseInteger(q, 'expiringDays', 14, 0, 3650));
  });

  app.get('/api/clients.csv', async (request, reply) => {
    const q = request.query as Query;
    const page = await queryClients(ctx.store, { ...clientQuery(q, await resolveAt(q, ctx)), page: 1, pageSize: 0 }, parseInteger(q, 'expiringDays', 14, 0, 3650));
    reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="clients.csv"');
    return renderCsv(clientCsvColumns(), page.rows);
  });

  app.get('/api/clients/:cmid/requests', async (request) => {
    const { cmid } = request.params as { cmid: string };
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(cmid)) throw new WebError(`cmid: "${cmid}" is not a GUID`, 'WEB_BAD_REQUEST', 'cmid');
    const q = request.query as Query;
    const at = await resolveAt(q, ctx);
    // `limit` (the older parameter) is the page size when no pageSize is given
    const pageSize = parseInteger(q, 'pageSize', parseInteger(q, 'limit', 200, 1, 10_000), 1, 10_000);
    const page = parseInteger(q, 'page', 1, 1, 1_000_000);
    const rows = (await ctx.store.clientRequests(cmid.toLowerCase(), CLIENT_REQUESTS_MAX)).filter((r) => r.time <= at);
    const pages = Math.max(1, Math.ceil(rows.length / pageSize));
    const shown = Math.min(page, pages);
    return {
      cmid: cmid.toLowerCase(),
      at: new Date(at).toISOString(),
      total: rows.length,
      page: shown,
      pageSize,
      pages,
      requests: rows.slice((shown - 1) * pageSize, shown * pageSize).map((r) => ({
        ...r,
        time: new Date(r.time).toISOString(),
        expiresAt: r.minutesLeft > 0 ? new Date(r.time + r.minutesLeft * 60_000).toISOString() : null,
      })),
    };
  });

  app.get('/api/timeline', async (request) => {
    const q = request.query as Query;
    return buildTimeline(ctx.store, await resolveAt(q, ctx), parseInteger(q, 'days', 30, 1, 366), one(q, 'host'), ctx.alertRules);
  });

  app.get('/api/alerts', async (request) => {
    const at = await resolveAt(request.query as Query, ctx);
    const [current, stored] = await Promise.all([
      // the rules read the clients for the client side and for a low count: once (shared-reads.ts)
      alertViews(withSharedReads(ctx.store), at, ctx.alertRules),
      ctx.store.alertStates ? ctx.store.alertStates.call(ctx.store) : Promise.resolve([]),
    ]);
    return {
      at: new Date(at).toISOString(),
      // What the rules find now (nothing is saved: `kmswatch alerts`/collect keep the state).
      current,
      open: stored.filter((s) => s.status === 'open'),
    };
  });
}
