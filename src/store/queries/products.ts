import type { ProductRow } from '../types.js';
import { application, defineQuery, num, str } from './query.js';

/** Requests and distinct clients per Activation ID with time <= at (name and application follow the id). */
const body = (at: string) => `
    SELECT activation_id, MAX(product_name) AS product_name, MAX(application) AS application,
           COUNT(DISTINCT cmid) AS clients, COUNT(*) AS requests, MAX(time) AS last_seen
    FROM requests WHERE time <= ${at}
    GROUP BY activation_id
    ORDER BY requests DESC, activation_id`;

export const productsQuery = defineQuery<ProductRow>({
  name: 'products',
  params: ['at'],
  sqlite: body('@at'),
  postgres: body('$1'),
  mapRow: (r) => ({
    activationId: str(r.activation_id),
    productName: str(r.product_name),
    application: application(r.application),
    clients: num(r.clients),
    requests: num(r.requests),
    lastSeen: num(r.last_seen),
  }),
});
