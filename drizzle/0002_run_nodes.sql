CREATE TABLE "run_nodes" (
	"run_id" text NOT NULL,
	"node_id" text NOT NULL,
	"record" jsonb NOT NULL,
	CONSTRAINT "run_nodes_pk" PRIMARY KEY("run_id","node_id")
);
--> statement-breakpoint
-- Records of runs that ended before this migration move over, so none is lost.
INSERT INTO "run_nodes" ("run_id", "node_id", "record")
SELECT "runs"."id", "n"."key", "n"."value" FROM "runs", jsonb_each("runs"."nodes") AS "n"
WHERE "runs"."nodes" IS NOT NULL AND jsonb_typeof("runs"."nodes") = 'object';
--> statement-breakpoint
ALTER TABLE "runs" DROP COLUMN "nodes";