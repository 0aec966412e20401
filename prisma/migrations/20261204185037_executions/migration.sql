-- CreateEnum
CREATE TYPE "ExecutionStatus" AS ENUM ('pending', 'running', 'completed', 'failed', 'cancelled', 'timed_out');

-- AlterTable
ALTER TABLE "organizations" ADD COLUMN     "atomicExecutionEnabled" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "tools" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "category" TEXT NOT NULL,
    "executable" TEXT NOT NULL,
    "args" TEXT[],
    "parameters" JSONB NOT NULL,
    "timeoutSeconds" INTEGER,
    "maxOutputBytes" INTEGER,
    "platforms" TEXT[],
    "env" JSONB NOT NULL DEFAULT '{}',
    "progressPattern" TEXT,
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "deletedAt" TIMESTAMPTZ(3),

    CONSTRAINT "tools_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "executions" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "toolId" UUID NOT NULL,
    "toolName" TEXT NOT NULL,
    "toolKind" TEXT NOT NULL,
    "assessmentId" UUID,
    "activityId" UUID,
    "parameters" JSONB NOT NULL,
    "argv" TEXT[],
    "command" TEXT NOT NULL,
    "status" "ExecutionStatus" NOT NULL DEFAULT 'pending',
    "exitCode" INTEGER,
    "error" TEXT,
    "progress" INTEGER NOT NULL DEFAULT 0,
    "outputBytes" INTEGER NOT NULL DEFAULT 0,
    "truncated" BOOLEAN NOT NULL DEFAULT false,
    "timeoutSeconds" INTEGER NOT NULL,
    "maxOutputBytes" INTEGER NOT NULL,
    "workerLabels" TEXT[],
    "queue" TEXT NOT NULL,
    "queueName" TEXT NOT NULL,
    "nodeId" TEXT NOT NULL,
    "heartbeatAt" TIMESTAMPTZ(3),
    "workerId" TEXT,
    "startedById" UUID NOT NULL,
    "cancelRequestedAt" TIMESTAMPTZ(3),
    "cancelledById" UUID,
    "redFieldsFilled" BOOLEAN NOT NULL DEFAULT false,
    "evidenceId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),
    "durationMs" INTEGER,

    CONSTRAINT "executions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "execution_output" (
    "executionId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "stream" TEXT NOT NULL,
    "data" TEXT NOT NULL,

    CONSTRAINT "execution_output_pkey" PRIMARY KEY ("executionId","seq")
);

-- CreateIndex
CREATE INDEX "tools_deletedAt_name_idx" ON "tools"("deletedAt", "name");

-- CreateIndex
CREATE INDEX "executions_organizationId_createdAt_idx" ON "executions"("organizationId", "createdAt");

-- CreateIndex
CREATE INDEX "executions_organizationId_activityId_idx" ON "executions"("organizationId", "activityId");

-- CreateIndex
CREATE INDEX "executions_organizationId_assessmentId_idx" ON "executions"("organizationId", "assessmentId");

-- CreateIndex
CREATE INDEX "executions_status_idx" ON "executions"("status");

-- AddForeignKey
ALTER TABLE "executions" ADD CONSTRAINT "executions_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "execution_output" ADD CONSTRAINT "execution_output_executionId_fkey" FOREIGN KEY ("executionId") REFERENCES "executions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
