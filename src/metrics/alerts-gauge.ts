import type { AlertsRepo } from '../db/alerts/alerts-repo.js';
import { alertsFiring } from './registry.js';

/**
 * Sets `weft_alerts_firing` from the stored alerts, as the API is scraped: the
 * evaluator may run in any worker, so the count comes from the one place all of
 * them write, and every API replica reports the same figure.
 */
export async function refreshAlertsFiring(alerts: Pick<AlertsRepo, 'firingCounts'>): Promise<void> {
  const counts = await alerts.firingCounts();
  alertsFiring.reset();
  for (const { rule, severity, count } of counts) alertsFiring.set({ rule, severity }, count);
}
