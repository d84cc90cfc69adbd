/**
 * Store.selectedClients as of now: the CMIDs with a summary row that meets a condition of the
 * selection (rules/client-selection.ts). A client's latest request is one of its summary rows, so
 * these are all the candidates; their rows are then read (client-overview.ts overviewRowsSql) and
 * each client's latest request judged by the rule itself. One scan of client_summary instead of
 * building a row for each of 200 k clients. CMIDs are stored lower case (kms/events normalizeGuid).
 */
const body = (p: { states: string; expiringBy: string; unknown: string; cmids: string }) => `
    SELECT DISTINCT s.cmid_id
    FROM client_summary s
    WHERE s.license_state IN ${p.states}
       OR (s.minutes_left > 0 AND s.last_seen + s.minutes_left * 60000 <= ${p.expiringBy})
       OR (${p.unknown} = 1 AND s.product_id IN (SELECT id FROM products WHERE application = 'Unknown'))
       OR s.cmid_id IN (SELECT id FROM strings WHERE value IN ${p.cmids})`;

export const selectedClientIdsSql = {
  name: 'selectedClientIds',
  params: ['states', 'expiringBy', 'unknown', 'cmids'],
  sqlite: body({
    states: '(SELECT value FROM json_each(@states))', expiringBy: '@expiringBy', unknown: '@unknown', cmids: '(SELECT value FROM json_each(@cmids))',
  }),
  postgres: body({
    states: '(SELECT unnest($1::int[]))', expiringBy: '$2::bigint', unknown: '$3::int', cmids: '(SELECT unnest($4::text[]))',
  }),
} as const;
