-- CreateTable
CREATE TABLE "oauth_records" (
    "model" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "expiresAt" TIMESTAMPTZ(3),
    "grantId" TEXT,
    "userCode" TEXT,
    "uid" TEXT,
    "consumedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "oauth_records_pkey" PRIMARY KEY ("model","id")
);

-- CreateIndex
CREATE INDEX "oauth_records_grantId_idx" ON "oauth_records"("grantId");

-- CreateIndex
CREATE INDEX "oauth_records_model_uid_idx" ON "oauth_records"("model", "uid");

-- CreateIndex
CREATE INDEX "oauth_records_model_userCode_idx" ON "oauth_records"("model", "userCode");

-- CreateIndex
CREATE INDEX "oauth_records_expiresAt_idx" ON "oauth_records"("expiresAt");
