CREATE TABLE "agent_conversations" (
	"run_id" text NOT NULL,
	"node_id" text NOT NULL,
	"scope" text NOT NULL,
	"tools" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agent_conversations_pk" PRIMARY KEY("run_id","node_id","scope")
);
--> statement-breakpoint
CREATE TABLE "agent_messages" (
	"run_id" text NOT NULL,
	"node_id" text NOT NULL,
	"scope" text NOT NULL,
	"seq" integer NOT NULL,
	"message" jsonb NOT NULL,
	"meta" jsonb,
	CONSTRAINT "agent_messages_pk" PRIMARY KEY("run_id","node_id","scope","seq")
);
