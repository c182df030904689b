import { type Command, Option } from 'commander';
import { parseDuration } from '../../dag/duration.js';
import { alertSeverities } from '../../db/schema/alerts.js';
import { listing, print } from '../output.js';
import { apiAction, deleteCommand, readCommand, type JsonOption } from './client-command.js';

/** Registers `weft alerts ls|rules|silence|unsilence` (contract weft-ops §13). */
export function registerAlerts(program: Command): void {
  const alerts = program.command('alerts').description('alerts, their rules and silences');
  alerts
    .command('ls')
    .description('alerts, firing first')
    .addOption(new Option('--state <state>', 'only alerts in this state').choices(['pending', 'firing', 'resolved', 'silenced']))
    .option('--json', 'machine output')
    .action(
      apiAction(async (client, options: JsonOption & { state?: string }) => {
        const list = await client.listAlerts(options.state);
        print(list, options.json, (l) =>
          listing(l.items, ['STATE', 'RULE', 'SEVERITY', 'LABELS', 'SINCE', 'SUMMARY'], (a) => [a.silenced ? `${a.state} (silenced)` : a.state, a.rule.name, a.rule.severity, Object.entries(a.labels).map(([k, v]) => `${k}=${v}`).join(' '), a.firingSince ?? a.activeSince, a.summary], 'no alerts'),
        );
      }),
    );
  readCommand(alerts, 'rules', 'alert rules', (client) => client.listAlertRules(), (l) =>
    listing(l.items, ['ID', 'NAME', 'KIND', 'WORKFLOW', 'SEVERITY', 'CHANNELS', 'ENABLED'], (r) => [r.id, r.name, r.kind, r.workflow, r.severity, r.channels.join(', '), String(r.enabled)], 'no rules'),
  );
  alerts
    .command('silence')
    .description('hold the notifications of matching alerts for a while')
    .option('--rule <name>', 'a rule name or id')
    .option('--workflow <name>', 'a workflow name')
    .addOption(new Option('--severity <severity>', 'a severity').choices(alertSeverities))
    .option('--for <duration>', 'how long, e.g. 2h', '1h')
    .requiredOption('--comment <text>', 'why')
    .option('--json', 'machine output')
    .action(
      apiAction(async (client, options: JsonOption & { rule?: string; workflow?: string; severity?: string; for: string; comment: string }) => {
        const matchers = Object.fromEntries(Object.entries({ rule: options.rule, workflow: options.workflow, severity: options.severity }).filter(([, v]) => v !== undefined)) as Record<string, string>;
        const endsAt = new Date(Date.now() + parseDuration(options.for)).toISOString();
        const silence = await client.createSilence({ matchers, endsAt, comment: options.comment });
        print(silence, options.json, (s) => `silence ${s.id} until ${s.endsAt}`);
      }),
    );
  deleteCommand(alerts, 'unsilence', 'end a silence now', (client, id) => client.deleteSilence(id), (id) => `silence ${id} ended`);
}
