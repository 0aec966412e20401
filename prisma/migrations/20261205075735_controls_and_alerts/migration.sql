-- CreateEnum
CREATE TYPE "ControlKind" AS ENUM ('edr', 'siem', 'av', 'firewall', 'proxy', 'email', 'ids', 'dlp', 'other');

-- CreateEnum
CREATE TYPE "AlertMatchStatus" AS ENUM ('applied', 'suggested', 'linked', 'rejected', 'unlinked');

-- AlterTable
ALTER TABLE "activities" ADD COLUMN     "outcomeByHand" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN     "defaultControlId" UUID;

-- AlterTable
ALTER TABLE "assessments" ADD COLUMN     "alertMatching" TEXT NOT NULL DEFAULT 'suggest';

-- CreateTable
CREATE TABLE "defensive_controls" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "ControlKind" NOT NULL,
    "vendor" TEXT,
    "product" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "defensive_controls_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "activity_control_outcomes" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "activityId" UUID NOT NULL,
    "controlId" UUID NOT NULL,
    "outcome" "ActivityOutcome" NOT NULL,
    "detectedAt" TIMESTAMPTZ(3),
    "alertSeverity" "Severity",
    "ruleName" TEXT,
    "notes" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "activity_control_outcomes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alerts" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "format" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "controlId" UUID NOT NULL,
    "occurredAt" TIMESTAMPTZ(3) NOT NULL,
    "host" TEXT,
    "techniques" TEXT[],
    "ruleName" TEXT,
    "severity" "Severity",
    "title" TEXT,
    "action" TEXT,
    "raw" JSONB NOT NULL,
    "apiKeyId" UUID,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alerts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_matches" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "alertId" UUID NOT NULL,
    "activityId" UUID NOT NULL,
    "assessmentId" UUID NOT NULL,
    "score" INTEGER NOT NULL,
    "reasons" TEXT[],
    "status" "AlertMatchStatus" NOT NULL,
    "previous" JSONB,
    "decidedById" UUID,
    "decidedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_matches_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "defensive_controls_organizationId_product_idx" ON "defensive_controls"("organizationId", "product");

-- CreateIndex
CREATE UNIQUE INDEX "defensive_controls_organizationId_name_key" ON "defensive_controls"("organizationId", "name");

-- CreateIndex
CREATE INDEX "activity_control_outcomes_controlId_idx" ON "activity_control_outcomes"("controlId");

-- CreateIndex
CREATE INDEX "activity_control_outcomes_organizationId_idx" ON "activity_control_outcomes"("organizationId");

-- CreateIndex
CREATE UNIQUE INDEX "activity_control_outcomes_activityId_controlId_key" ON "activity_control_outcomes"("activityId", "controlId");

-- CreateIndex
CREATE INDEX "alerts_organizationId_receivedAt_idx" ON "alerts"("organizationId", "receivedAt");

-- CreateIndex
CREATE INDEX "alerts_controlId_idx" ON "alerts"("controlId");

-- CreateIndex
CREATE UNIQUE INDEX "alerts_organizationId_format_externalId_key" ON "alerts"("organizationId", "format", "externalId");

-- CreateIndex
CREATE INDEX "alert_matches_activityId_idx" ON "alert_matches"("activityId");

-- CreateIndex
CREATE INDEX "alert_matches_organizationId_status_idx" ON "alert_matches"("organizationId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "alert_matches_alertId_activityId_key" ON "alert_matches"("alertId", "activityId");

-- AddForeignKey
ALTER TABLE "defensive_controls" ADD CONSTRAINT "defensive_controls_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activity_control_outcomes" ADD CONSTRAINT "activity_control_outcomes_activityId_fkey" FOREIGN KEY ("activityId") REFERENCES "activities"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activity_control_outcomes" ADD CONSTRAINT "activity_control_outcomes_controlId_fkey" FOREIGN KEY ("controlId") REFERENCES "defensive_controls"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_controlId_fkey" FOREIGN KEY ("controlId") REFERENCES "defensive_controls"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_matches" ADD CONSTRAINT "alert_matches_alertId_fkey" FOREIGN KEY ("alertId") REFERENCES "alerts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_matches" ADD CONSTRAINT "alert_matches_activityId_fkey" FOREIGN KEY ("activityId") REFERENCES "activities"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Outcomes recorded before outcomes per control were set by hand: they stay as they are.
UPDATE "activities" SET "outcomeByHand" = true WHERE "outcome" IS NOT NULL;
