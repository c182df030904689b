CREATE TABLE "alert_channels" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"url" text NOT NULL,
	"secret" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alert_channels_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "alert_deliveries" (
	"notification_key" text NOT NULL,
	"channel" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"response_status" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone,
	CONSTRAINT "alert_deliveries_pk" PRIMARY KEY("notification_key","channel")
);
--> statement-breakpoint
CREATE TABLE "alert_notifications" (
	"key" text PRIMARY KEY NOT NULL,
	"fingerprint" text NOT NULL,
	"rule_id" text NOT NULL,
	"state" text NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"dispatched_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "alert_rules" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"workflow" text NOT NULL,
	"params" jsonb NOT NULL,
	"for_ms" integer NOT NULL,
	"for_text" text NOT NULL,
	"severity" text NOT NULL,
	"channels" jsonb NOT NULL,
	"repeat_interval_ms" integer NOT NULL,
	"repeat_interval_text" text NOT NULL,
	"enabled" boolean NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alert_rules_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "alert_silences" (
	"id" text PRIMARY KEY NOT NULL,
	"matchers" jsonb NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"comment" text NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"fingerprint" text PRIMARY KEY NOT NULL,
	"rule_id" text NOT NULL,
	"labels" jsonb NOT NULL,
	"state" text NOT NULL,
	"active_since" timestamp with time zone NOT NULL,
	"firing_since" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"notified_state" text,
	"notified_at" timestamp with time zone,
	"notices" integer DEFAULT 0 NOT NULL,
	"notified_count" integer DEFAULT 0 NOT NULL,
	"silenced" boolean DEFAULT false NOT NULL,
	"summary" text NOT NULL,
	"evidence" jsonb NOT NULL,
	"value" double precision,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "alert_deliveries_created_idx" ON "alert_deliveries" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "alerts_state_idx" ON "alerts" USING btree ("state","rule_id");