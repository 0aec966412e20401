-- CreateEnum
CREATE TYPE "KnowledgeArticleKind" AS ENUM ('procedure', 'detection', 'mitigation', 'note');

-- CreateEnum
CREATE TYPE "ReportTemplateFormat" AS ENUM ('html', 'docx');

-- CreateTable
CREATE TABLE "knowledge_articles" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL DEFAULT '',
    "kind" "KnowledgeArticleKind" NOT NULL,
    "tags" TEXT[],
    "techniques" TEXT[],
    "revision" INTEGER NOT NULL DEFAULT 1,
    "createdById" UUID,
    "updatedById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "knowledge_articles_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "knowledge_article_revisions" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "articleId" UUID NOT NULL,
    "revision" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "kind" "KnowledgeArticleKind" NOT NULL,
    "tags" TEXT[],
    "techniques" TEXT[],
    "authorId" UUID,
    "writtenAt" TIMESTAMPTZ(3) NOT NULL,
    "replacedById" UUID,
    "replacedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "knowledge_article_revisions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "activity_group_templates" (
    "id" UUID NOT NULL,
    "organizationId" UUID,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "activity_group_templates_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "activity_group_template_items" (
    "groupTemplateId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "activityTemplateId" UUID NOT NULL,

    CONSTRAINT "activity_group_template_items_pkey" PRIMARY KEY ("groupTemplateId","position")
);

-- CreateTable
CREATE TABLE "campaign_templates" (
    "id" UUID NOT NULL,
    "organizationId" UUID,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "campaign_templates_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "campaign_template_items" (
    "campaignTemplateId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "groupTemplateId" UUID NOT NULL,

    CONSTRAINT "campaign_template_items_pkey" PRIMARY KEY ("campaignTemplateId","position")
);

-- CreateTable
CREATE TABLE "evaluation_templates" (
    "id" UUID NOT NULL,
    "organizationId" UUID,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "categories" JSONB NOT NULL DEFAULT '[]',
    "questions" JSONB NOT NULL DEFAULT '[]',
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "evaluation_templates_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "report_templates" (
    "id" UUID NOT NULL,
    "organizationId" UUID,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "format" "ReportTemplateFormat" NOT NULL,
    "body" TEXT NOT NULL,
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "report_templates_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "knowledge_articles_organizationId_updatedAt_idx" ON "knowledge_articles"("organizationId", "updatedAt");

-- CreateIndex
CREATE INDEX "knowledge_articles_organizationId_title_idx" ON "knowledge_articles"("organizationId", "title");

-- CreateIndex
CREATE INDEX "knowledge_articles_organizationId_kind_idx" ON "knowledge_articles"("organizationId", "kind");

-- CreateIndex
CREATE INDEX "knowledge_articles_techniques_idx" ON "knowledge_articles" USING GIN ("techniques");

-- CreateIndex
CREATE INDEX "knowledge_articles_tags_idx" ON "knowledge_articles" USING GIN ("tags");

-- CreateIndex
CREATE UNIQUE INDEX "knowledge_article_revisions_articleId_revision_key" ON "knowledge_article_revisions"("articleId", "revision");

-- CreateIndex
CREATE INDEX "activity_group_templates_organizationId_name_idx" ON "activity_group_templates"("organizationId", "name");

-- CreateIndex
CREATE INDEX "activity_group_template_items_activityTemplateId_idx" ON "activity_group_template_items"("activityTemplateId");

-- CreateIndex
CREATE INDEX "campaign_templates_organizationId_name_idx" ON "campaign_templates"("organizationId", "name");

-- CreateIndex
CREATE INDEX "campaign_template_items_groupTemplateId_idx" ON "campaign_template_items"("groupTemplateId");

-- CreateIndex
CREATE INDEX "evaluation_templates_organizationId_name_idx" ON "evaluation_templates"("organizationId", "name");

-- CreateIndex
CREATE INDEX "report_templates_organizationId_name_idx" ON "report_templates"("organizationId", "name");

-- AddForeignKey
ALTER TABLE "knowledge_articles" ADD CONSTRAINT "knowledge_articles_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "knowledge_article_revisions" ADD CONSTRAINT "knowledge_article_revisions_articleId_fkey" FOREIGN KEY ("articleId") REFERENCES "knowledge_articles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activity_group_templates" ADD CONSTRAINT "activity_group_templates_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activity_group_template_items" ADD CONSTRAINT "activity_group_template_items_groupTemplateId_fkey" FOREIGN KEY ("groupTemplateId") REFERENCES "activity_group_templates"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activity_group_template_items" ADD CONSTRAINT "activity_group_template_items_activityTemplateId_fkey" FOREIGN KEY ("activityTemplateId") REFERENCES "activity_templates"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "campaign_templates" ADD CONSTRAINT "campaign_templates_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "campaign_template_items" ADD CONSTRAINT "campaign_template_items_campaignTemplateId_fkey" FOREIGN KEY ("campaignTemplateId") REFERENCES "campaign_templates"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "campaign_template_items" ADD CONSTRAINT "campaign_template_items_groupTemplateId_fkey" FOREIGN KEY ("groupTemplateId") REFERENCES "activity_group_templates"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "evaluation_templates" ADD CONSTRAINT "evaluation_templates_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "report_templates" ADD CONSTRAINT "report_templates_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
