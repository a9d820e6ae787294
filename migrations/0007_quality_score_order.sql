DROP INDEX "source_records_quality_score_idx";--> statement-breakpoint
CREATE INDEX "source_records_quality_score_idx" ON "source_records" USING btree ("quality_score","id");