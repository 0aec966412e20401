-- Activities saved with techniques but no tactic get the tactic the API now derives for them
-- (mitre/technique-mapping.ts): the first tactic, in matrix order, of the first of their
-- techniques that has one. Until now statistics and the Navigator layer filed them under
-- "null". Data only; a database without ATT&CK data yet (a fresh one) has nothing to update.
UPDATE "activities" a
SET "tactic" = (
  SELECT ta."shortname"
  FROM unnest(a."techniques") WITH ORDINALITY AS w(id, n)
  JOIN "attack_techniques" t ON t."attackId" = w.id
  JOIN "attack_technique_tactics" tt ON tt."techniqueStixId" = t."stixId"
  JOIN "attack_tactics" ta ON ta."stixId" = tt."tacticStixId"
  ORDER BY w.n, ta."matrixOrder", ta."attackId"
  LIMIT 1
)
WHERE a."tactic" IS NULL AND cardinality(a."techniques") > 0;
