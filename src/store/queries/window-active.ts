import type { WindowActiveRow } from '../types.js';
import { application, defineQuery, num, str } from './query.js';

/** docs/definitions.md "active": distinct CMIDs with result 0x0 in (from, to], per host and application. */
const body = (from: string, to: string) => `
    SELECT h.host, w.application, w.active, w.max_minimum
    FROM (
      SELECT host_key, application, COUNT(DISTINCT cmid) AS active, MAX(minimum_count) AS max_minimum
      FROM requests
      WHERE result = 0 AND time > ${from} AND time <= ${to}
      GROUP BY host_key, application
    ) w
    JOIN host_names h ON h.host_key = w.host_key
    ORDER BY h.host_key, w.application`;

export const windowActiveQuery = defineQuery<WindowActiveRow>({
  name: 'windowActive',
  params: ['from', 'to'],
  sqlite: body('@from', '@to'),
  postgres: body('$1', '$2'),
  mapRow: (r) => ({
    host: str(r.host),
    application: application(r.application),
    active: num(r.active),
    maxMinimum: num(r.max_minimum),
  }),
});
