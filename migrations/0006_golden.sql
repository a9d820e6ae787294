CREATE TABLE "customer_merges" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"into_customer_id" text NOT NULL,
	"from_customer_ids" text[] NOT NULL,
	"before" jsonb NOT NULL,
	"evidence" jsonb,
	"reason" text,
	"automatic" boolean DEFAULT false NOT NULL,
	"actor_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"undone_at" timestamp with time zone,
	"undone_by" text,
	"undo_reason" text
);
--> statement-breakpoint
CREATE TABLE "golden_pins" (
	"customer_id" text NOT NULL,
	"attribute" text NOT NULL,
	"value" jsonb,
	"reason" text,
	"pinned_by" text,
	"pinned_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "golden_pins_customer_id_attribute_pk" PRIMARY KEY("customer_id","attribute")
);
--> statement-breakpoint
CREATE TABLE "golden_settings" (
	"schema_id" text PRIMARY KEY NOT NULL,
	"upper_threshold" double precision NOT NULL,
	"lower_threshold" double precision NOT NULL,
	"survivorship" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text
);
--> statement-breakpoint
CREATE TABLE "not_duplicate_pairs" (
	"record_a" text NOT NULL,
	"record_b" text NOT NULL,
	"reason" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "not_duplicate_pairs_record_a_record_b_pk" PRIMARY KEY("record_a","record_b")
);
--> statement-breakpoint
CREATE TABLE "match_labels" (
	"record_a" text NOT NULL,
	"record_b" text NOT NULL,
	"schema_id" text NOT NULL,
	"match" boolean NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL,
	"task_id" text,
	CONSTRAINT "match_labels_record_a_record_b_pk" PRIMARY KEY("record_a","record_b")
);
--> statement-breakpoint
CREATE TABLE "match_models" (
	"id" text PRIMARY KEY NOT NULL,
	"schema_id" text NOT NULL,
	"version" integer NOT NULL,
	"model" jsonb NOT NULL,
	"active" boolean DEFAULT false NOT NULL,
	"records_used" integer NOT NULL,
	"labels_used" integer NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rematch_jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"schema_id" text NOT NULL,
	"source_id" text,
	"dry_run" boolean NOT NULL,
	"status" text NOT NULL,
	"progress" jsonb NOT NULL,
	"report" jsonb,
	"error" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "review_tasks" (
	"id" text PRIMARY KEY NOT NULL,
	"schema_id" text NOT NULL,
	"source_id" text NOT NULL,
	"record_id" text NOT NULL,
	"candidate_record_id" text NOT NULL,
	"candidate_source_id" text NOT NULL,
	"probability" double precision NOT NULL,
	"explanation" jsonb NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"assigned_to" text,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"note" text,
	"merge_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_attempts" (
	"delivery_id" text NOT NULL,
	"attempt" integer NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"status_code" integer,
	"error" text,
	"duration_ms" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"subscription_id" text NOT NULL,
	"event_seq" bigint NOT NULL,
	"event_id" text NOT NULL,
	"event_type" text NOT NULL,
	"aggregate_key" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_status_code" integer,
	"last_error" text,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_subscriptions" (
	"id" text PRIMARY KEY NOT NULL,
	"url" text NOT NULL,
	"event_types" text[] NOT NULL,
	"secret" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"max_attempts" integer DEFAULT 8 NOT NULL,
	"dispatched_seq" bigint DEFAULT 0 NOT NULL,
	"description" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "golden_settings" ADD CONSTRAINT "golden_settings_schema_id_schemas_id_fk" FOREIGN KEY ("schema_id") REFERENCES "public"."schemas"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_attempts" ADD CONSTRAINT "webhook_attempts_delivery_id_webhook_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."webhook_deliveries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_subscription_id_webhook_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."webhook_subscriptions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customer_merges_into_idx" ON "customer_merges" USING btree ("into_customer_id","created_at");--> statement-breakpoint
CREATE INDEX "customer_merges_from_idx" ON "customer_merges" USING gin ("from_customer_ids");--> statement-breakpoint
CREATE INDEX "not_duplicate_pairs_b_idx" ON "not_duplicate_pairs" USING btree ("record_b");--> statement-breakpoint
CREATE INDEX "match_labels_schema_idx" ON "match_labels" USING btree ("schema_id");--> statement-breakpoint
CREATE UNIQUE INDEX "match_models_schema_version_uq" ON "match_models" USING btree ("schema_id","version");--> statement-breakpoint
CREATE INDEX "rematch_jobs_created_idx" ON "rematch_jobs" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "review_tasks_open_pair_uq" ON "review_tasks" USING btree ("record_id","candidate_record_id") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "review_tasks_status_idx" ON "review_tasks" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "review_tasks_schema_idx" ON "review_tasks" USING btree ("schema_id","status");--> statement-breakpoint
CREATE INDEX "review_tasks_candidate_idx" ON "review_tasks" USING btree ("candidate_record_id");--> statement-breakpoint
CREATE INDEX "webhook_attempts_delivery_idx" ON "webhook_attempts" USING btree ("delivery_id","attempt");--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_deliveries_sub_seq_uq" ON "webhook_deliveries" USING btree ("subscription_id","event_seq");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_agg_idx" ON "webhook_deliveries" USING btree ("subscription_id","aggregate_key","event_seq");