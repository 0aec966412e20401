-- activities.create in one call (activities/activity-insert.ts): the access check, the reference
-- checks, the ATT&CK mapping, the position, the activity with its tags and target assets, and
-- the history row. Hand-written: Prisma's schema does not model functions.
--
-- Why a function and not one plain statement:
-- - positions: the position is the assessment's last one plus a step, read while holding the
--   assessment's row lock (as lockAssessment does for moves), so concurrent creates in one
--   assessment queue up. A plain statement reads from the snapshot it started with and would
--   miss a create committed while it waited for the lock; each statement of a volatile PL/pgSQL
--   function takes a fresh snapshot (READ COMMITTED), so the max() after the lock sees it.
-- - cost: PL/pgSQL keeps each statement's plan for the connection. Planning the equivalent
--   single statement cost more than running it (0.7 ms on PostgreSQL, 1.3 ms on PGlite), and
--   PostgreSQL kept re-planning it (its generic plan looked dearer: array parameters are
--   assumed to hold ten ids), hence force_generic_plan for the statements below.
-- - atomic: the call is one statement, its own transaction: nothing is half-written.
--
-- The checks' answers come back in the OUT columns; nothing is written unless all pass. The
-- caller turns them into errors (in the order: assessment, role, group, tags, assets,
-- articles, mapping) with the rules of acl/permissions.ts and mitre/technique-mapping.ts;
-- p_org_wide_role and p_granting carry the permission rule in, the mapping gate below
-- restates checkMapping's rule for a create (every technique known; a tactic given must be a
-- tactic of a known technique, or any known tactic when they have none; none given: the first
-- tactic, in matrix order, of the first technique that has one), and the caller checks that
-- the two agree. Tags, assets and articles are passed without duplicates.
CREATE FUNCTION "create_activity"(
  p_organization uuid, p_user uuid, p_assessment uuid,
  -- The role the caller's organization role gives on every assessment (lead), or NULL; the roles granting manage:activities.
  p_org_wide_role text, p_granting text[],
  p_group uuid, p_tags uuid[], p_assets uuid[], p_articles uuid[], p_techniques text[], p_tactic text,
  p_id uuid, p_history_id uuid, p_title text, p_description text,
  p_expect_logged boolean, p_expect_prevented boolean, p_expect_alerted boolean, p_expect_notified boolean,
  p_expected_severity "Severity", p_at timestamptz, p_step integer,
  OUT "assessmentFound" boolean, OUT "aclRole" text,
  OUT "groupOk" boolean, OUT "tagsOk" boolean, OUT "assetsOk" boolean, OUT "articlesOk" boolean,
  -- What checkMapping needs (as mitre/technique-mapping.ts loadAttackFacts reads it), and the gate.
  OUT "attackTechniques" json, OUT "attackTactics" text[], OUT "mappingOk" boolean,
  -- The created activity (its row), its tags and target assets (their rows, by name): NULL when refused.
  OUT "activityRow" json, OUT "tagRows" json, OUT "assetRows" json)
LANGUAGE plpgsql
VOLATILE
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
  v_offered text[];
  v_tactic text;
  v_position integer;
BEGIN
  SELECT acl.role::text INTO "aclRole"
  FROM "assessments" s
  LEFT JOIN "assessment_acl" acl ON acl."assessmentId" = s.id AND acl."userId" = p_user
  WHERE s.id = p_assessment AND s."organizationId" = p_organization AND s."deletedAt" IS NULL;
  "assessmentFound" := FOUND;
  IF NOT FOUND OR NOT COALESCE(COALESCE(p_org_wide_role, "aclRole") = ANY(p_granting), false) THEN
    RETURN;
  END IF;

  "groupOk" := p_group IS NULL OR EXISTS (
    SELECT 1 FROM "activity_groups" g
    WHERE g.id = p_group AND g."assessmentId" = p_assessment AND g."organizationId" = p_organization);
  SELECT count(*) = cardinality(p_tags), COALESCE(json_agg(t ORDER BY t.name, t.id), '[]'::json)
  INTO "tagsOk", "tagRows"
  FROM "tags" t WHERE t."organizationId" = p_organization AND t.id = ANY(p_tags);
  SELECT count(*) = cardinality(p_assets), COALESCE(json_agg(s ORDER BY s.name, s.id), '[]'::json)
  INTO "assetsOk", "assetRows"
  FROM "assets" s WHERE s."organizationId" = p_organization AND s.id = ANY(p_assets);
  SELECT count(*) = cardinality(p_articles) INTO "articlesOk"
  FROM "knowledge_articles" k WHERE k."organizationId" = p_organization AND k.id = ANY(p_articles);
  IF NOT ("groupOk" AND "tagsOk" AND "assetsOk" AND "articlesOk") THEN
    RETURN;
  END IF;

  "mappingOk" := true;
  IF cardinality(p_techniques) > 0 OR p_tactic IS NOT NULL THEN
    WITH known AS (
      SELECT w.n, t."attackId" AS id, t.revoked, t.deprecated, ARRAY(
        SELECT ta."shortname" FROM "attack_technique_tactics" tt
        JOIN "attack_tactics" ta ON ta."stixId" = tt."tacticStixId"
        WHERE tt."techniqueStixId" = t."stixId" ORDER BY ta."matrixOrder", ta."attackId") AS tactics
      FROM unnest(p_techniques) WITH ORDINALITY AS w(id, n)
      JOIN "attack_techniques" t ON t."attackId" = w.id
    )
    SELECT
      (SELECT json_agg(json_build_object('id', k.id, 'revoked', k.revoked, 'deprecated', k.deprecated,
          'tactics', k.tactics) ORDER BY k.n) FROM known k),
      (SELECT count(*) FROM known) = cardinality(p_techniques),
      (SELECT k.tactics[1] FROM known k WHERE cardinality(k.tactics) > 0 ORDER BY k.n LIMIT 1),
      ARRAY(SELECT DISTINCT unnest(k.tactics) FROM known k),
      ARRAY(SELECT ta."shortname" FROM "attack_tactics" ta WHERE ta."shortname" = p_tactic)
    INTO "attackTechniques", "mappingOk", v_tactic, v_offered, "attackTactics";
    IF p_tactic IS NOT NULL THEN
      "mappingOk" := "mappingOk" AND p_tactic = ANY(
        CASE WHEN cardinality(v_offered) > 0 THEN v_offered ELSE "attackTactics" END);
      v_tactic := p_tactic;
    END IF;
    IF NOT "mappingOk" THEN
      RETURN;
    END IF;
  END IF;

  PERFORM 1 FROM "assessments"
  WHERE id = p_assessment AND "organizationId" = p_organization AND "deletedAt" IS NULL
  FOR UPDATE;
  IF NOT FOUND THEN
    -- Deleted since the access check.
    "assessmentFound" := false;
    RETURN;
  END IF;
  SELECT COALESCE(max(a.position), 0) + p_step INTO v_position
  FROM "activities" a WHERE a."assessmentId" = p_assessment AND a."deletedAt" IS NULL;

  INSERT INTO "activities" AS a (id, "organizationId", "assessmentId", "groupId", position, title, description,
    tactic, techniques, "knowledgeBaseArticleIds", "expectLogged", "expectPrevented", "expectAlerted",
    "expectNotified", "expectedSeverity", "createdById", "createdAt", "updatedAt")
  VALUES (p_id, p_organization, p_assessment, p_group, v_position, p_title, p_description,
    v_tactic, p_techniques, p_articles, p_expect_logged, p_expect_prevented, p_expect_alerted,
    p_expect_notified, p_expected_severity, p_user, p_at, p_at)
  RETURNING row_to_json(a.*) INTO "activityRow";
  INSERT INTO "activity_tags" ("activityId", "tagId") SELECT p_id, unnest(p_tags);
  INSERT INTO "activity_assets" ("activityId", "assetId") SELECT p_id, unnest(p_assets);
  INSERT INTO "activity_history" (id, "organizationId", "activityId", "actorId", field, "oldValue", "newValue",
    "createdAt")
  VALUES (p_history_id, p_organization, p_id, p_user, 'created', NULL, jsonb_build_object('title', p_title), p_at);
END
$$;
