CREATE TABLE "subject_network_log" (
	"request_id" text PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"ip" text,
	"user_agent" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "subject_network_log_customer_idx" ON "subject_network_log" USING btree ("customer_id","at");