CREATE TABLE "consent_channels" (
	"key" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "consent_events" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"id" text NOT NULL,
	"customer_id" text NOT NULL,
	"purpose_id" text NOT NULL,
	"channel" text NOT NULL,
	"status" text NOT NULL,
	"lawful_basis" text NOT NULL,
	"notice_version" integer,
	"captured_at" timestamp with time zone NOT NULL,
	"valid_until" timestamp with time zone,
	"source" text NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text,
	"proof" jsonb NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consent_events_id_unique" UNIQUE("id")
);
--> statement-breakpoint
CREATE TABLE "consent_import_quarantine" (
	"id" text PRIMARY KEY NOT NULL,
	"batch_id" text NOT NULL,
	"row_number" integer NOT NULL,
	"row" jsonb,
	"errors" jsonb NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text
);
--> statement-breakpoint
CREATE TABLE "consent_notice_versions" (
	"purpose_id" text NOT NULL,
	"version" integer NOT NULL,
	"text" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text,
	CONSTRAINT "consent_notice_versions_purpose_id_version_pk" PRIMARY KEY("purpose_id","version")
);
--> statement-breakpoint
CREATE TABLE "consent_purposes" (
	"id" text PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"default_validity_months" integer,
	"current_notice_version" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"archived_at" timestamp with time zone,
	CONSTRAINT "consent_purposes_key_unique" UNIQUE("key")
);
--> statement-breakpoint
CREATE TABLE "consent_state" (
	"customer_id" text NOT NULL,
	"purpose_id" text NOT NULL,
	"channel" text NOT NULL,
	"status" text NOT NULL,
	"event_id" text NOT NULL,
	"event_seq" bigint NOT NULL,
	"lawful_basis" text NOT NULL,
	"notice_version" integer,
	"captured_at" timestamp with time zone NOT NULL,
	"valid_until" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consent_state_customer_id_purpose_id_channel_pk" PRIMARY KEY("customer_id","purpose_id","channel")
);
--> statement-breakpoint
CREATE TABLE "marketing_exports" (
	"id" text PRIMARY KEY NOT NULL,
	"purpose_id" text NOT NULL,
	"channel" text NOT NULL,
	"customer_count" integer NOT NULL,
	"excluded_count" integer NOT NULL,
	"attributes" text[] NOT NULL,
	"format" text NOT NULL,
	"exported_at" timestamp with time zone DEFAULT now() NOT NULL,
	"exported_by" text
);
--> statement-breakpoint
CREATE TABLE "dsr_requests" (
	"id" text PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"channel" text NOT NULL,
	"legal_basis" text,
	"note" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone,
	"result" jsonb,
	"created_by" text,
	"completed_by" text
);
--> statement-breakpoint
CREATE TABLE "dsr_restrictions" (
	"customer_id" text PRIMARY KEY NOT NULL,
	"request_id" text,
	"reason" text,
	"since" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text
);
--> statement-breakpoint
CREATE TABLE "dsr_tombstones" (
	"customer_id" text PRIMARY KEY NOT NULL,
	"erased_at" timestamp with time zone DEFAULT now() NOT NULL,
	"requested_by" text,
	"legal_basis" text NOT NULL,
	"request_id" text,
	"mode" text NOT NULL,
	"counts" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "retention_flags" (
	"customer_id" text PRIMARY KEY NOT NULL,
	"schema_id" text NOT NULL,
	"flagged_at" timestamp with time zone DEFAULT now() NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"action" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "retention_policies" (
	"schema_id" text PRIMARY KEY NOT NULL,
	"inactive_months" integer NOT NULL,
	"grace_days" integer NOT NULL,
	"action" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text
);
--> statement-breakpoint
CREATE TABLE "portal_corrections" (
	"id" text PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"record_id" text NOT NULL,
	"attribute" text NOT NULL,
	"proposed" jsonb,
	"status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone,
	"decided_by" text
);
--> statement-breakpoint
CREATE TABLE "portal_nonces" (
	"nonce_hash" text PRIMARY KEY NOT NULL,
	"token_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "portal_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"customer_id" text NOT NULL,
	"delivery" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	CONSTRAINT "portal_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
ALTER TABLE "consent_notice_versions" ADD CONSTRAINT "consent_notice_versions_purpose_id_consent_purposes_id_fk" FOREIGN KEY ("purpose_id") REFERENCES "public"."consent_purposes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "consent_events_subject_idx" ON "consent_events" USING btree ("customer_id","purpose_id","channel","seq");--> statement-breakpoint
CREATE INDEX "consent_import_quarantine_batch_idx" ON "consent_import_quarantine" USING btree ("batch_id","row_number");--> statement-breakpoint
CREATE INDEX "consent_state_purpose_idx" ON "consent_state" USING btree ("purpose_id","channel","status");--> statement-breakpoint
CREATE INDEX "consent_state_expiry_idx" ON "consent_state" USING btree ("valid_until") WHERE status = 'granted' and valid_until is not null;--> statement-breakpoint
CREATE INDEX "marketing_exports_at_idx" ON "marketing_exports" USING btree ("exported_at");--> statement-breakpoint
CREATE INDEX "dsr_requests_customer_idx" ON "dsr_requests" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "dsr_requests_open_idx" ON "dsr_requests" USING btree ("status","due_at");--> statement-breakpoint
CREATE INDEX "retention_flags_due_idx" ON "retention_flags" USING btree ("due_at");--> statement-breakpoint
CREATE INDEX "portal_corrections_status_idx" ON "portal_corrections" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "portal_corrections_customer_idx" ON "portal_corrections" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "portal_nonces_token_idx" ON "portal_nonces" USING btree ("token_id","created_at");--> statement-breakpoint
CREATE INDEX "portal_tokens_customer_idx" ON "portal_tokens" USING btree ("customer_id");