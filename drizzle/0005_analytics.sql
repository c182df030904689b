CREATE TABLE "budget_alerts" (
	"workflow" text NOT NULL,
	"period" text NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"threshold" double precision NOT NULL,
	"spent_usd" double precision NOT NULL,
	"limit_usd" double precision NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "budget_alerts_pk" PRIMARY KEY("workflow","period","period_start","threshold")
);
--> statement-breakpoint
CREATE TABLE "budgets" (
	"workflow" text PRIMARY KEY NOT NULL,
	"period" text NOT NULL,
	"limit_usd" double precision NOT NULL,
	"on_exceed" text NOT NULL,
	"alert_at" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "trigger" jsonb;--> statement-breakpoint
CREATE INDEX "node_executions_ended_idx" ON "node_executions" USING btree ("ended_at");