-- Hand-written (the schema engine does not generate triggers): keeps "DossierStatusCount" equal to
--   SELECT "examYearId", "siteId", status, count(*) FROM "Dossier" GROUP BY 1, 2, 3
-- whatever writes the dossiers (the transition function, a bulk deadline lock, a seed). Statement-level triggers
-- with transition tables: one counter update per (year, site, status) touched by a statement, not per row.
-- Counter rows are touched in key order so concurrent statements cannot deadlock on them.

CREATE FUNCTION dossier_status_count_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "DossierStatusCount" AS c ("examYearId", "siteId", "status", "n")
    SELECT "examYearId", "siteId", "status", count(*)::int FROM new_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT ("examYearId", "siteId", "status") DO UPDATE SET "n" = c."n" + EXCLUDED."n";
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "DossierStatusCount" AS c ("examYearId", "siteId", "status", "n")
    SELECT "examYearId", "siteId", "status", -count(*)::int FROM old_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT ("examYearId", "siteId", "status") DO UPDATE SET "n" = c."n" + EXCLUDED."n";
  ELSE
    INSERT INTO "DossierStatusCount" AS c ("examYearId", "siteId", "status", "n")
    SELECT "examYearId", "siteId", "status", sum(k)::int FROM (
      SELECT "examYearId", "siteId", "status", -1 AS k FROM old_rows
      UNION ALL
      SELECT "examYearId", "siteId", "status", 1 AS k FROM new_rows
    ) d GROUP BY 1, 2, 3 HAVING sum(k) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT ("examYearId", "siteId", "status") DO UPDATE SET "n" = c."n" + EXCLUDED."n";
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "Dossier_status_count_insert" AFTER INSERT ON "Dossier"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dossier_status_count_apply();
CREATE TRIGGER "Dossier_status_count_update" AFTER UPDATE ON "Dossier"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dossier_status_count_apply();
CREATE TRIGGER "Dossier_status_count_delete" AFTER DELETE ON "Dossier"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dossier_status_count_apply();

INSERT INTO "DossierStatusCount" ("examYearId", "siteId", "status", "n")
SELECT "examYearId", "siteId", "status", count(*)::int FROM "Dossier" GROUP BY 1, 2, 3;
