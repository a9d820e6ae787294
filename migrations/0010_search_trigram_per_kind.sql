DROP INDEX "cst_term_trgm_idx";--> statement-breakpoint
CREATE INDEX "cst_name_trgm_idx" ON "customer_search_terms" USING gin ("term" gin_trgm_ops) WHERE "customer_search_terms"."kind" = 'name';--> statement-breakpoint
CREATE INDEX "cst_phone_trgm_idx" ON "customer_search_terms" USING gin ("term" gin_trgm_ops) WHERE "customer_search_terms"."kind" = 'phone';--> statement-breakpoint
CREATE INDEX "cst_email_local_trgm_idx" ON "customer_search_terms" USING gin (split_part("term", '@', 1) gin_trgm_ops) WHERE "customer_search_terms"."kind" = 'email';