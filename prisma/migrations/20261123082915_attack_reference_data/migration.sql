-- CreateTable
CREATE TABLE "attack_tactics" (
    "stixId" TEXT NOT NULL,
    "attackId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "shortname" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "url" TEXT,
    "matrixOrder" INTEGER NOT NULL,
    "revoked" BOOLEAN NOT NULL DEFAULT false,
    "deprecated" BOOLEAN NOT NULL DEFAULT false,
    "modifiedAt" TIMESTAMPTZ(3),
    "attackVersion" TEXT NOT NULL,

    CONSTRAINT "attack_tactics_pkey" PRIMARY KEY ("stixId")
);

-- CreateTable
CREATE TABLE "attack_techniques" (
    "stixId" TEXT NOT NULL,
    "attackId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "platforms" TEXT[],
    "dataSources" TEXT[],
    "detection" TEXT,
    "url" TEXT,
    "isSubtechnique" BOOLEAN NOT NULL DEFAULT false,
    "parentAttackId" TEXT,
    "revoked" BOOLEAN NOT NULL DEFAULT false,
    "deprecated" BOOLEAN NOT NULL DEFAULT false,
    "modifiedAt" TIMESTAMPTZ(3),
    "version" TEXT,
    "attackVersion" TEXT NOT NULL,

    CONSTRAINT "attack_techniques_pkey" PRIMARY KEY ("stixId")
);

-- CreateTable
CREATE TABLE "attack_technique_tactics" (
    "techniqueStixId" TEXT NOT NULL,
    "tacticStixId" TEXT NOT NULL,

    CONSTRAINT "attack_technique_tactics_pkey" PRIMARY KEY ("techniqueStixId","tacticStixId")
);

-- CreateTable
CREATE TABLE "attack_mitigations" (
    "stixId" TEXT NOT NULL,
    "attackId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "url" TEXT,
    "revoked" BOOLEAN NOT NULL DEFAULT false,
    "deprecated" BOOLEAN NOT NULL DEFAULT false,
    "modifiedAt" TIMESTAMPTZ(3),
    "attackVersion" TEXT NOT NULL,

    CONSTRAINT "attack_mitigations_pkey" PRIMARY KEY ("stixId")
);

-- CreateTable
CREATE TABLE "attack_mitigation_links" (
    "mitigationStixId" TEXT NOT NULL,
    "techniqueStixId" TEXT NOT NULL,
    "description" TEXT,

    CONSTRAINT "attack_mitigation_links_pkey" PRIMARY KEY ("mitigationStixId","techniqueStixId")
);

-- CreateTable
CREATE TABLE "attack_imports" (
    "id" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attackVersion" TEXT NOT NULL,
    "domain" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "added" INTEGER NOT NULL,
    "updated" INTEGER NOT NULL,
    "unchanged" INTEGER NOT NULL,
    "revoked" INTEGER NOT NULL,

    CONSTRAINT "attack_imports_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "activity_templates" (
    "id" UUID NOT NULL,
    "organizationId" UUID,
    "atomicGuid" UUID,
    "source" TEXT NOT NULL DEFAULT 'manual',
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "techniques" TEXT[],
    "tactic" TEXT,
    "platforms" TEXT[],
    "inputArguments" JSONB NOT NULL DEFAULT '[]',
    "executorName" TEXT,
    "command" TEXT,
    "cleanupCommand" TEXT,
    "elevationRequired" BOOLEAN NOT NULL DEFAULT false,
    "dependencies" JSONB NOT NULL DEFAULT '[]',
    "dependencyExecutorName" TEXT,
    "tags" TEXT[],
    "contentHash" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "deletedAt" TIMESTAMPTZ(3),

    CONSTRAINT "activity_templates_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "attack_tactics_attackId_key" ON "attack_tactics"("attackId");

-- CreateIndex
CREATE UNIQUE INDEX "attack_tactics_shortname_key" ON "attack_tactics"("shortname");

-- CreateIndex
CREATE UNIQUE INDEX "attack_techniques_attackId_key" ON "attack_techniques"("attackId");

-- CreateIndex
CREATE INDEX "attack_techniques_parentAttackId_idx" ON "attack_techniques"("parentAttackId");

-- CreateIndex
CREATE INDEX "attack_techniques_isSubtechnique_revoked_deprecated_idx" ON "attack_techniques"("isSubtechnique", "revoked", "deprecated");

-- CreateIndex
CREATE INDEX "attack_technique_tactics_tacticStixId_idx" ON "attack_technique_tactics"("tacticStixId");

-- CreateIndex
CREATE UNIQUE INDEX "attack_mitigations_attackId_key" ON "attack_mitigations"("attackId");

-- CreateIndex
CREATE INDEX "attack_mitigation_links_techniqueStixId_idx" ON "attack_mitigation_links"("techniqueStixId");

-- CreateIndex
CREATE UNIQUE INDEX "activity_templates_atomicGuid_key" ON "activity_templates"("atomicGuid");

-- CreateIndex
CREATE INDEX "activity_templates_organizationId_deletedAt_idx" ON "activity_templates"("organizationId", "deletedAt");

-- CreateIndex
CREATE INDEX "activity_templates_techniques_idx" ON "activity_templates" USING GIN ("techniques");

-- AddForeignKey
ALTER TABLE "attack_technique_tactics" ADD CONSTRAINT "attack_technique_tactics_techniqueStixId_fkey" FOREIGN KEY ("techniqueStixId") REFERENCES "attack_techniques"("stixId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "attack_technique_tactics" ADD CONSTRAINT "attack_technique_tactics_tacticStixId_fkey" FOREIGN KEY ("tacticStixId") REFERENCES "attack_tactics"("stixId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "attack_mitigation_links" ADD CONSTRAINT "attack_mitigation_links_mitigationStixId_fkey" FOREIGN KEY ("mitigationStixId") REFERENCES "attack_mitigations"("stixId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "attack_mitigation_links" ADD CONSTRAINT "attack_mitigation_links_techniqueStixId_fkey" FOREIGN KEY ("techniqueStixId") REFERENCES "attack_techniques"("stixId") ON DELETE CASCADE ON UPDATE CASCADE;
