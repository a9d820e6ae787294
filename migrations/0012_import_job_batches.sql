CREATE TABLE "import_job_batches" (
	"job_id" text NOT NULL,
	"first_row" integer NOT NULL,
	"last_row" integer NOT NULL,
	CONSTRAINT "import_job_batches_job_id_first_row_pk" PRIMARY KEY("job_id","first_row")
);
--> statement-breakpoint
ALTER TABLE "import_job_batches" ADD CONSTRAINT "import_job_batches_job_id_import_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."import_jobs"("id") ON DELETE cascade ON UPDATE no action;