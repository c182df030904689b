CREATE TABLE "run_critical_paths" (
	"run_id" text PRIMARY KEY NOT NULL,
	"nodes" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "priority" integer DEFAULT 3 NOT NULL;