-- CreateEnum
CREATE TYPE "ActivityStatus" AS ENUM ('planned', 'waiting_red', 'waiting_blue', 'evaluated', 'skipped');

-- CreateEnum
CREATE TYPE "Severity" AS ENUM ('info', 'low', 'medium', 'high', 'critical');

-- CreateEnum
CREATE TYPE "ActivityOutcome" AS ENUM ('prevented', 'blocked', 'alerted', 'logged', 'not_detected');

-- CreateEnum
CREATE TYPE "EvaluationResult" AS ENUM ('pass', 'fail', 'na');

-- CreateEnum
CREATE TYPE "AssetKind" AS ENUM ('host', 'account', 'application', 'network');

-- CreateTable
CREATE TABLE "activity_groups" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "assessmentId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "position" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "activity_groups_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "activities" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "assessmentId" UUID NOT NULL,
    "groupId" UUID,
    "position" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "tactic" TEXT,
    "techniques" TEXT[],
    "knowledgeBaseArticleIds" UUID[],
    "status" "ActivityStatus" NOT NULL DEFAULT 'planned',
    "command" TEXT,
    "executedAt" TIMESTAMPTZ(3),
    "executedBy" TEXT,
    "executedByUserId" UUID,
    "source" TEXT,
    "target" TEXT,
    "expectLogged" BOOLEAN NOT NULL DEFAULT false,
    "expectPrevented" BOOLEAN NOT NULL DEFAULT false,
    "expectAlerted" BOOLEAN NOT NULL DEFAULT false,
    "expectNotified" BOOLEAN NOT NULL DEFAULT false,
    "expectedSeverity" "Severity",
    "outcome" "ActivityOutcome",
    "detectedAt" TIMESTAMPTZ(3),
    "detectionSource" TEXT,
    "alertSeverity" "Severity",
    "notifiedAt" TIMESTAMPTZ(3),
    "blueNotes" TEXT NOT NULL DEFAULT '',
    "preventionResult" "EvaluationResult",
    "detectionResult" "EvaluationResult",
    "loggingResult" "EvaluationResult",
    "notificationResult" "EvaluationResult",
    "severityResult" "EvaluationResult",
    "evaluationOverrides" JSONB NOT NULL DEFAULT '[]',
    "evaluatedAt" TIMESTAMPTZ(3),
    "evaluatedById" UUID,
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "deletedAt" TIMESTAMPTZ(3),

    CONSTRAINT "activities_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "activity_history" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "activityId" UUID NOT NULL,
    "actorId" UUID,
    "field" TEXT NOT NULL,
    "oldValue" JSONB,
    "newValue" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "activity_history_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "activity_comments" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "activityId" UUID NOT NULL,
    "authorId" UUID NOT NULL,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "activity_comments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "evidence" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "assessmentId" UUID NOT NULL,
    "activityId" UUID NOT NULL,
    "fileName" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "storageKey" TEXT NOT NULL,
    "uploadedById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "evidence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "assets" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "AssetKind" NOT NULL,
    "identifier" TEXT NOT NULL DEFAULT '',
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "assets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tags" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "color" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "tags_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "activity_tags" (
    "activityId" UUID NOT NULL,
    "tagId" UUID NOT NULL,

    CONSTRAINT "activity_tags_pkey" PRIMARY KEY ("activityId","tagId")
);

-- CreateTable
CREATE TABLE "activity_assets" (
    "activityId" UUID NOT NULL,
    "assetId" UUID NOT NULL,

    CONSTRAINT "activity_assets_pkey" PRIMARY KEY ("activityId","assetId")
);

-- CreateTable
CREATE TABLE "assessment_tags" (
    "assessmentId" UUID NOT NULL,
    "tagId" UUID NOT NULL,

    CONSTRAINT "assessment_tags_pkey" PRIMARY KEY ("assessmentId","tagId")
);

-- CreateIndex
CREATE INDEX "activity_groups_assessmentId_position_idx" ON "activity_groups"("assessmentId", "position");

-- CreateIndex
CREATE INDEX "activity_groups_organizationId_idx" ON "activity_groups"("organizationId");

-- CreateIndex
CREATE INDEX "activities_assessmentId_deletedAt_position_idx" ON "activities"("assessmentId", "deletedAt", "position");

-- CreateIndex
CREATE INDEX "activities_groupId_idx" ON "activities"("groupId");

-- CreateIndex
CREATE INDEX "activities_organizationId_status_idx" ON "activities"("organizationId", "status");

-- CreateIndex
CREATE INDEX "activities_techniques_idx" ON "activities" USING GIN ("techniques");

-- CreateIndex
CREATE INDEX "activity_history_activityId_createdAt_idx" ON "activity_history"("activityId", "createdAt");

-- CreateIndex
CREATE INDEX "activity_comments_activityId_createdAt_idx" ON "activity_comments"("activityId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "evidence_storageKey_key" ON "evidence"("storageKey");

-- CreateIndex
CREATE INDEX "evidence_activityId_createdAt_idx" ON "evidence"("activityId", "createdAt");

-- CreateIndex
CREATE INDEX "evidence_organizationId_idx" ON "evidence"("organizationId");

-- CreateIndex
CREATE INDEX "assets_organizationId_kind_name_idx" ON "assets"("organizationId", "kind", "name");

-- CreateIndex
CREATE INDEX "assets_organizationId_name_idx" ON "assets"("organizationId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "tags_organizationId_name_key" ON "tags"("organizationId", "name");

-- CreateIndex
CREATE INDEX "activity_tags_tagId_idx" ON "activity_tags"("tagId");

-- CreateIndex
CREATE INDEX "activity_assets_assetId_idx" ON "activity_assets"("assetId");

-- CreateIndex
CREATE INDEX "assessment_tags_tagId_idx" ON "assessment_tags"("tagId");

-- CreateIndex
CREATE INDEX "assessments_organizationId_deletedAt_name_idx" ON "assessments"("organizationId", "deletedAt", "name");

-- CreateIndex
CREATE INDEX "assessments_organizationId_deletedAt_startDate_idx" ON "assessments"("organizationId", "deletedAt", "startDate");

-- AddForeignKey
ALTER TABLE "activity_groups" ADD CONSTRAINT "activity_groups_assessmentId_fkey" FOREIGN KEY ("assessmentId") REFERENCES "assessments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activities" ADD CONSTRAINT "activities_assessmentId_fkey" FOREIGN KEY ("assessmentId") REFERENCES "assessments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activities" ADD CONSTRAINT "activities_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "activity_groups"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activity_history" ADD CONSTRAINT "activity_history_activityId_fkey" FOREIGN KEY ("activityId") REFERENCES "activities"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activity_comments" ADD CONSTRAINT "activity_comments_activityId_fkey" FOREIGN KEY ("activityId") REFERENCES "activities"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "evidence" ADD CONSTRAINT "evidence_activityId_fkey" FOREIGN KEY ("activityId") REFERENCES "activities"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activity_tags" ADD CONSTRAINT "activity_tags_activityId_fkey" FOREIGN KEY ("activityId") REFERENCES "activities"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activity_tags" ADD CONSTRAINT "activity_tags_tagId_fkey" FOREIGN KEY ("tagId") REFERENCES "tags"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activity_assets" ADD CONSTRAINT "activity_assets_activityId_fkey" FOREIGN KEY ("activityId") REFERENCES "activities"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activity_assets" ADD CONSTRAINT "activity_assets_assetId_fkey" FOREIGN KEY ("assetId") REFERENCES "assets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assessment_tags" ADD CONSTRAINT "assessment_tags_assessmentId_fkey" FOREIGN KEY ("assessmentId") REFERENCES "assessments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assessment_tags" ADD CONSTRAINT "assessment_tags_tagId_fkey" FOREIGN KEY ("tagId") REFERENCES "tags"("id") ON DELETE CASCADE ON UPDATE CASCADE;
