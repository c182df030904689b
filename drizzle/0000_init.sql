CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"key_hash" text NOT NULL,
	"role" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_keys_key_hash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text,
	"action" text NOT NULL,
	"target" text,
	"request_id" text,
	"details" jsonb
);
--> statement-breakpoint
CREATE TABLE "workflow_versions" (
	"name" text NOT NULL,
	"version" integer NOT NULL,
	"hash" text NOT NULL,
	"definition" jsonb NOT NULL,
	"source" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workflow_versions_name_version_pk" PRIMARY KEY("name","version")
);
--> statement-breakpoint
CREATE TABLE "workflows" (
	"name" text PRIMARY KEY NOT NULL,
	"description" text,
	"latest_version" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" text PRIMARY KEY NOT NULL,
	"workflow_name" text NOT NULL,
	"workflow_version" integer,
	"definition" jsonb,
	"status" text NOT NULL,
	"degraded" boolean DEFAULT false NOT NULL,
	"input" jsonb,
	"output" jsonb,
	"error" jsonb,
	"cost_usd" double precision DEFAULT 0 NOT NULL,
	"nodes" jsonb,
	"idempotency_key" text,
	"created_by" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	CONSTRAINT "runs_idempotency_key_unique" UNIQUE("idempotency_key")
);
--> statement-breakpoint
CREATE TABLE "node_executions" (
	"run_id" text NOT NULL,
	"node_id" text NOT NULL,
	"attempt" integer NOT NULL,
	"status" text NOT NULL,
	"fallback" integer,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"output" jsonb,
	"error" jsonb,
	"cost_usd" double precision,
	"detail" jsonb,
	CONSTRAINT "node_executions_key" UNIQUE("run_id","node_id","attempt")
);
--> statement-breakpoint
ALTER TABLE "workflow_versions" ADD CONSTRAINT "workflow_versions_name_workflows_name_fk" FOREIGN KEY ("name") REFERENCES "public"."workflows"("name") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "runs_started_idx" ON "runs" USING btree ("started_at","id");--> statement-breakpoint
CREATE INDEX "runs_workflow_idx" ON "runs" USING btree ("workflow_name","started_at");