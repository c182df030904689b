CREATE TABLE "cache_entries" (
	"key" text PRIMARY KEY NOT NULL,
	"node_type" text NOT NULL,
	"value" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "cache_entries_expires_idx" ON "cache_entries" USING btree ("expires_at");