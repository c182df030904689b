import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Definition } from '../dag/schema.js';
import type { Db } from './client.js';
import { workflows, workflowVersions, type WorkflowRow, type WorkflowVersionRow } from './schema/workflows.js';

/** A save based on a version that is no longer the latest (another version was saved since). */
export class StaleBaseVersion extends Error {
  constructor(
    readonly baseVersion: number,
    readonly latestVersion: number,
  ) {
    super(`based on version ${baseVersion}, but the latest version is ${latestVersion}`);
  }
}

/** Definitions and their immutable versions. */
export class WorkflowsRepo {
  /** `get`'s statements, prepared: every run of a stored workflow reads one. */
  private readonly latest: ReturnType<typeof prepareLatest>;
  private readonly exact: ReturnType<typeof prepareExact>;

  constructor(private readonly db: Db) {
    this.latest = prepareLatest(db);
    this.exact = prepareExact(db);
  }

  /**
   * Stores a definition as the workflow's next version, unless its content equals
   * the latest version, which is then returned with `created: false`.
   * With `baseVersion` (0: the workflow must not exist yet), a new version is
   * stored only when that is still the latest, checked under the workflow's row lock.
   * @throws StaleBaseVersion when another version was saved since `baseVersion`.
   */
  async save(input: { definition: Definition; hash: string; source: string | null; actor: string | null; baseVersion?: number | undefined }): Promise<{ version: WorkflowVersionRow; created: boolean }> {
    const { definition, hash } = input;
    return this.db.transaction(async (tx) => {
      const [current] = await tx.select().from(workflows).where(eq(workflows.name, definition.name)).for('update');
      if (current) {
        const [latest] = await tx
          .select()
          .from(workflowVersions)
          .where(and(eq(workflowVersions.name, definition.name), eq(workflowVersions.version, current.latestVersion)));
        if (latest && latest.hash === hash) return { version: latest, created: false };
      }
      const latestVersion = current?.latestVersion ?? 0;
      if (input.baseVersion !== undefined && input.baseVersion !== latestVersion) throw new StaleBaseVersion(input.baseVersion, latestVersion);
      const version = latestVersion + 1;
      const now = new Date();
      if (current) {
        await tx
          .update(workflows)
          .set({ latestVersion: version, description: definition.description ?? null, updatedAt: now })
          .where(eq(workflows.name, definition.name));
      } else {
        await tx.insert(workflows).values({ name: definition.name, description: definition.description ?? null, latestVersion: version });
      }
      const [row] = await tx
        .insert(workflowVersions)
        .values({ name: definition.name, version, hash, definition, source: input.source, createdBy: input.actor })
        .returning();
      if (!row) throw new Error(`inserting version ${version} of ${definition.name} returned no row`);
      return { version: row, created: true };
    });
  }

  async list(): Promise<WorkflowRow[]> {
    return this.db.select().from(workflows).orderBy(asc(workflows.name));
  }

  /** A stored version: the given one, or the latest. */
  async get(name: string, version?: number): Promise<WorkflowVersionRow | undefined> {
    const [row] = version === undefined ? await this.latest.execute({ name }) : await this.exact.execute({ name, version });
    return row;
  }

  async versions(name: string): Promise<{ version: number; hash: string; createdAt: Date }[]> {
    return this.db
      .select({ version: workflowVersions.version, hash: workflowVersions.hash, createdAt: workflowVersions.createdAt })
      .from(workflowVersions)
      .where(eq(workflowVersions.name, name))
      .orderBy(asc(workflowVersions.version));
  }
}

/** A workflow's latest version (see `WorkflowsRepo.get`). */
function prepareLatest(db: Db) {
  return db.select().from(workflowVersions).where(eq(workflowVersions.name, sql.placeholder('name'))).orderBy(desc(workflowVersions.version)).limit(1).prepare('workflow_versions_latest');
}

/** One version of a workflow (see `WorkflowsRepo.get`). */
function prepareExact(db: Db) {
  return db
    .select()
    .from(workflowVersions)
    .where(and(eq(workflowVersions.name, sql.placeholder('name')), eq(workflowVersions.version, sql.placeholder('version'))))
    .prepare('workflow_versions_exact');
}
