-- AlterTable
ALTER TABLE "report_templates" ADD COLUMN     "docxBaseFileName" TEXT,
ADD COLUMN     "docxBaseSize" INTEGER,
ADD COLUMN     "docxBaseStorageKey" TEXT,
ADD COLUMN     "docxBaseUploadedAt" TIMESTAMPTZ(3);
