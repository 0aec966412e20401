-- Full-text search of ATT&CK techniques (mitre.search) without computing a vector per row per
-- query: the name's and the whole document's vectors are stored, generated from the row, and the
-- document's is indexed (GIN). Hand-written: Prisma's schema cannot express generated columns,
-- and its diff leaves columns and indexes it does not model alone.
ALTER TABLE "attack_techniques"
  ADD COLUMN "searchTitle" tsvector GENERATED ALWAYS AS (to_tsvector('english', "name")) STORED,
  ADD COLUMN "searchDocument" tsvector GENERATED ALWAYS AS (
    to_tsvector('english', "name" || ' ' || "description")
  ) STORED;

CREATE INDEX "attack_techniques_searchDocument_idx" ON "attack_techniques" USING GIN ("searchDocument") WITH (fastupdate = off);
