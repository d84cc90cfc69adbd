/** Read-only JSON API: the report, clients, one client's requests, timelines, alerts, health. */
import type { FastifyInstance } from 'fastify';
import { defaultConfig } from '../../alerts/config.js';
import { evaluateRules } from '../../alerts/evaluate.js';
import { gatherFacts } from '../../alerts/facts.js';
import { buildReport } from '../../analysis/report.js';
import { clientCsvColumns } from '../../report/columns.js';
import { renderCsv } from '../../report/csv.js';
import { APPLICATIONS, CLIENT_SORT_KEYS, parseStateName, queryClients, type ClientQuery } from '../clients-query.js';
import type { AppContext } from '../context.js';
import { WebError } from '../errors.js';
import { one, parseAt, parseBool, parseChoice, parseInteger, type Query } from '../params.js';
import { buildTimeline } from '../timeline.js';

function clientQuery(q: Query, now: number): ClientQuery {
  const stateText = one(q, 'state');
  const state = stateText === undefined ? undefined : parseStateName(stateText);
  if (state === null) throw new WebError(`state: "${stateText}" is not a license state (0-6 or a name such as Licensed)`, 'WEB_BAD_REQUEST', 'state');
  const application = one(q, 'application');
  if (application !== undefined && !(APPLICATIONS as readonly string[]).includes(application)) {
    throw new WebError(`application: "${application}" is not one of ${APPLICATIONS.join(', ')}`, 'WEB_BAD_REQUEST', 'application');
  }
  const query: ClientQuery = {
    at: parseAt(q, now),
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

export function registerReadRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/health', async () => ({ ok: true, backend: ctx.store.backend, version: ctx.version, writable: Boolean(ctx.token) && !ctx.store.readOnly }));

  app.get('/api/report', async (request) => {
    const q = request.query as Query;
    return buildReport(ctx.store, {
      at: parseAt(q, ctx.now()),
      timezone: ctx.timezone,
      idleHours: parseInteger(q, 'idleHours', 24, 1, 24 * 365),
      expiringDays: parseInteger(q, 'expiringDays', 14, 0, 3650),
      anomalyLimit: parseInteger(q, 'anomalies', 100, 0, 100_000),
    });
  });

  app.get('/api/clients', async (request) => {
    const q = request.query as Query;
    return queryClients(ctx.store, clientQuery(q, ctx.now()), parseInteger(q, 'expiringDays', 14, 0, 3650));
  });

  app.get('/api/clients.csv', async (request, reply) => {
    const q = request.query as Query;
    const page = await queryClients(ctx.store, { ...clientQuery(q, ctx.now()), page: 1, pageSize: 0 }, parseInteger(q, 'expiringDays', 14, 0, 3650));
    reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="clients.csv"');
    return renderCsv(clientCsvColumns(), page.rows);
  });

  app.get('/api/clients/:cmid/requests', async (request) => {
    const { cmid } = request.params as { cmid: string };
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(cmid)) throw new WebError(`cmid: "${cmid}" is not a GUID`, 'WEB_BAD_REQUEST', 'cmid');
    const limit = parseInteger(request.query as Query, 'limit', 200, 1, 10_000);
    const rows = await ctx.store.clientRequests(cmid.toLowerCase(), limit);
    return { cmid: cmid.toLowerCase(), requests: rows.map((r) => ({ ...r, time: new Date(r.time).toISOString() })) };
  });

  app.get('/api/timeline', async (request) => {
    const q = request.query as Query;
    return buildTimeline(ctx.store, parseAt(q, ctx.now()), parseInteger(q, 'days', 30, 1, 366), one(q, 'host'));
  });

  app.get('/api/alerts', async (request) => {
    const at = parseAt(request.query as Query, ctx.now());
    const rules = defaultConfig().alerts;
    const candidates = evaluateRules(await gatherFacts(ctx.store, at, rules), rules);
    const stored = ctx.store.alertStates ? await ctx.store.alertStates.call(ctx.store) : [];
    return {
      at: new Date(at).toISOString(),
      // What the rules find now (nothing is saved: `kmswatch alerts`/collect keep the state).
      current: candidates.map(({ clients, ...c }) => ({ ...c, clients: clients.length })),
      open: stored.filter((s) => s.status === 'open'),
    };
  });
}
