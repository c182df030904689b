import { type Command, Option } from 'commander';
import { scheduleOverlaps } from '../../api/schemas.js';
import type { ApiClient, ScheduleWire } from '../api-client.js';
import { listing, print } from '../output.js';
import { parseInput } from './run.js';
import { apiAction, deleteCommand, readCommand, type JsonOption } from './client-command.js';

interface CreateOptions extends JsonOption {
  id: string;
  workflow: string;
  version?: string;
  input?: string;
  cron?: string;
  every?: string;
  timezone?: string;
  overlap?: string;
  paused?: boolean;
  note?: string;
}

const when = (s: ScheduleWire) => s.spec.cron ?? `every ${s.spec.every ?? '?'}`;

async function create(client: ApiClient, o: CreateOptions): Promise<void> {
  const body: Record<string, unknown> = { id: o.id, workflow: o.workflow, cron: o.cron, every: o.every, timezone: o.timezone, overlap: o.overlap, note: o.note };
  if (o.version !== undefined) body.version = Number(o.version);
  if (o.input !== undefined) body.input = parseInput(o.input);
  if (o.paused) body.paused = true;
  print(await client.createSchedule(body), o.json, (s) => `schedule ${s.id}: ${s.workflow} ${when(s)}; next ${s.nextRuns[0] ?? 'none'}`);
}

/** Registers `weft schedules ls|create|pause|unpause|trigger|rm` (contract weft-ops §5). */
export function registerSchedules(program: Command): void {
  const schedules = program.command('schedules').description('runs on a cron or an interval');
  readCommand(schedules, 'ls', 'list schedules', (client) => client.listSchedules(), (l) =>
    listing(l.items, ['ID', 'WORKFLOW', 'WHEN', 'PAUSED', 'NEXT'], (s) => [s.id, s.workflow, when(s), s.paused ? 'yes' : 'no', s.nextRuns[0] ?? ''], 'no schedules'),
  );
  schedules
    .command('create')
    .description('create a schedule (give --cron or --every)')
    .requiredOption('--id <id>', 'the schedule id ([a-z0-9-])')
    .requiredOption('--workflow <name>', 'the workflow to run')
    .option('--version <n>', 'a fixed version (default: the latest at each run)')
    .option('--input <json>', 'the run input: JSON, or @file.json')
    .option('--cron <expr>', 'five-field cron')
    .option('--every <duration>', 'an interval such as 30s, 5m, 1h')
    .option('--timezone <zone>', 'IANA time zone of the cron')
    .addOption(new Option('--overlap <policy>', 'when a run is still going at the next time').choices(scheduleOverlaps))
    .option('--paused', 'create it paused')
    .option('--note <text>', 'a note')
    .option('--json', 'machine output')
    .action(apiAction(create));
  for (const action of ['pause', 'unpause', 'trigger'] as const) {
    schedules
      .command(action)
      .description(action === 'trigger' ? 'start a run of the schedule now' : `${action} a schedule`)
      .argument('<id>')
      .option('--json', 'machine output')
      .action(apiAction(async (client, id: string, options: JsonOption) => print(await client.scheduleAction(id, action), options.json, (s) => `schedule ${s.id}: ${action === 'trigger' ? 'triggered' : s.paused ? 'paused' : 'active'}`)));
  }
  deleteCommand(schedules, 'rm', 'delete a schedule', (client, id) => client.deleteSchedule(id), (id) => `schedule ${id} deleted`);
}
