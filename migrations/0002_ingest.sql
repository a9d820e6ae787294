CREATE TABLE "import_jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"source_id" text NOT NULL,
	"schema_id" text NOT NULL,
	"state" text NOT NULL,
	"mode" text NOT NULL,
	"dry_run" boolean DEFAULT false NOT NULL,
	"format" text NOT NULL,
	"file_name" text NOT NULL,
	"file_path" text NOT NULL,
	"file_sha256" text NOT NULL,
	"file_size" bigint NOT NULL,
	"options_hash" text NOT NULL,
	"options" jsonb NOT NULL,
	"detected" jsonb,
	"warnings" jsonb,
	"checkpoint_row" integer DEFAULT 0 NOT NULL,
	"bytes_read" bigint DEFAULT 0 NOT NULL,
	"rows_read" integer DEFAULT 0 NOT NULL,
	"rows_created" integer DEFAULT 0 NOT NULL,
	"rows_updated" integer DEFAULT 0 NOT NULL,
	"rows_unchanged" integer DEFAULT 0 NOT NULL,
	"rows_rejected" integer DEFAULT 0 NOT NULL,
	"run_seconds" integer DEFAULT 0 NOT NULL,
	"error_code" text,
	"error_message" text,
	"runner_host" text,
	"runner_pid" integer,
	"heartbeat_at" timestamp with time zone,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_quarantine" (
	"id" text PRIMARY KEY NOT NULL,
	"job_id" text NOT NULL,
	"source_id" text NOT NULL,
	"row_number" integer NOT NULL,
	"line" integer,
	"source_key" text,
	"record_id" text,
	"values" jsonb,
	"raw_text" text,
	"errors" jsonb NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"resolution" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text
);
--> statement-breakpoint
ALTER TABLE "import_jobs" ADD CONSTRAINT "import_jobs_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_quarantine" ADD CONSTRAINT "import_quarantine_job_id_import_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."import_jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "import_jobs_identity_idx" ON "import_jobs" USING btree ("source_id","file_sha256","mode","options_hash");--> statement-breakpoint
CREATE INDEX "import_jobs_state_idx" ON "import_jobs" USING btree ("state");--> statement-breakpoint
CREATE UNIQUE INDEX "import_quarantine_job_row_uq" ON "import_quarantine" USING btree ("job_id","row_number");--> statement-breakpoint
CREATE INDEX "import_quarantine_source_idx" ON "import_quarantine" USING btree ("source_id","status");