-- Hand-written: partial indexes (the schema engine keeps but cannot generate them); measured in docs/BENCHMARKS.md.
-- 与其他考生的图片相似 is rare (~0.5% of dossiers): the reviewers' REUSED filter reads these small partial indexes in
-- work-list order instead of walking a site's or the district's whole queue.
CREATE INDEX "Dossier_reused_site_idx" ON "Dossier"("examYearId", "siteId", "status", "submittedAt", "id") WHERE "hasReused";
CREATE INDEX "Dossier_reused_idx" ON "Dossier"("examYearId", "status", "submittedAt", "id") WHERE "hasReused";

-- 姓名 prefix search: LIKE 'x%' can use a btree only with the pattern operator class outside the C collation.
-- (The engine cannot read this operator class back: it is listed in HAND_WRITTEN_INDEXES, libs/db/src/migrate.)
CREATE INDEX "Candidate_name_pattern_idx" ON "Candidate"("name" varchar_pattern_ops);
-- the same within one site (a site reviewer's search reads only their site's matches)
CREATE INDEX "Candidate_site_name_pattern_idx" ON "Candidate"("siteId", "name" varchar_pattern_ops);
