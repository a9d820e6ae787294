CREATE TABLE "quality_kpi_snapshots" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"snapshot_id" text NOT NULL,
	"taken_at" timestamp with time zone DEFAULT now() NOT NULL,
	"trigger" text NOT NULL,
	"source_id" text,
	"record_count" integer NOT NULL,
	"completeness" double precision,
	"validity" double precision,
	"accuracy" double precision,
	"uniqueness" double precision,
	"freshness" double precision,
	"details" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "quality_rules" (
	"schema_id" text PRIMARY KEY NOT NULL,
	"rules" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text
);
--> statement-breakpoint
ALTER TABLE "source_records" ADD COLUMN "standardized" jsonb;--> statement-breakpoint
ALTER TABLE "source_records" ADD COLUMN "verification" jsonb;--> statement-breakpoint
ALTER TABLE "source_records" ADD COLUMN "quality_score" smallint;--> statement-breakpoint
ALTER TABLE "source_records" ADD COLUMN "quality_computed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "source_records" ADD COLUMN "quality_issues" text[];--> statement-breakpoint
ALTER TABLE "quality_rules" ADD CONSTRAINT "quality_rules_schema_id_schemas_id_fk" FOREIGN KEY ("schema_id") REFERENCES "public"."schemas"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "quality_kpi_snapshots_source_idx" ON "quality_kpi_snapshots" USING btree ("source_id","taken_at");--> statement-breakpoint
CREATE INDEX "quality_kpi_snapshots_taken_idx" ON "quality_kpi_snapshots" USING btree ("taken_at");--> statement-breakpoint
CREATE INDEX "source_records_quality_score_idx" ON "source_records" USING btree ("quality_score");--> statement-breakpoint
CREATE INDEX "source_records_quality_issues_idx" ON "source_records" USING gin ("quality_issues");