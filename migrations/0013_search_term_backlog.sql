CREATE TABLE "search_term_backlog" (
	"record_id" text NOT NULL,
	"queued_at" timestamp with time zone DEFAULT now() NOT NULL
);
