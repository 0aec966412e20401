-- AlterTable
ALTER TABLE "mail_messages" ADD COLUMN     "secretSealed" TEXT;

-- AlterTable
ALTER TABLE "users" DROP COLUMN "failedLoginCount",
DROP COLUMN "failedLoginSince",
DROP COLUMN "lockoutLevel";

-- CreateTable
CREATE TABLE "login_failures" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "ip" TEXT NOT NULL,
    "failedCount" INTEGER NOT NULL DEFAULT 0,
    "failedSince" TIMESTAMPTZ(3),
    "lockedUntil" TIMESTAMPTZ(3),
    "lockoutLevel" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "login_failures_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "login_failures_updatedAt_idx" ON "login_failures"("updatedAt");

-- CreateIndex
CREATE UNIQUE INDEX "login_failures_userId_ip_key" ON "login_failures"("userId", "ip");

-- AddForeignKey
ALTER TABLE "login_failures" ADD CONSTRAINT "login_failures_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Lockouts now belong to (account, address) pairs: account-wide locks from before are lifted.
UPDATE "users" SET "lockedUntil" = NULL WHERE "lockedUntil" IS NOT NULL;

-- Links mailed before tokens were sealed: cut their tokens out of the stored copies.
UPDATE "mail_messages"
SET "text" = regexp_replace("text", 'token=[A-Za-z0-9_-]{20,}', 'token=[secret removed]', 'g'),
    "html" = regexp_replace("html", 'token=[A-Za-z0-9_-]{20,}', 'token=[secret removed]', 'g')
WHERE "text" ~ 'token=[A-Za-z0-9_-]{20,}' OR "html" ~ 'token=[A-Za-z0-9_-]{20,}';
