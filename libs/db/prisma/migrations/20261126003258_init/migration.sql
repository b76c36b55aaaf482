-- CreateEnum
CREATE TYPE "Role" AS ENUM ('CANDIDATE', 'SITE_REVIEWER', 'DISTRICT_REVIEWER', 'ADMIN');

-- CreateEnum
CREATE TYPE "CandidateType" AS ENUM ('GRADUATE', 'FRESH_GRADUATE', 'ASSISTANT_UPGRADE', 'TCM_MENTORSHIP');

-- CreateEnum
CREATE TYPE "DossierStatus" AS ENUM ('DRAFT', 'PENDING_SITE', 'RETURNED', 'PENDING_DISTRICT', 'APPROVED', 'REJECTED', 'NOT_SUBMITTED');

-- CreateEnum
CREATE TYPE "ImageState" AS ENUM ('PROCESSING', 'READY', 'REJECTED');

-- CreateEnum
CREATE TYPE "ReviewMark" AS ENUM ('OK', 'NEEDS_REPLACEMENT');

-- CreateEnum
CREATE TYPE "ReviewLevel" AS ENUM ('SITE', 'DISTRICT');

-- CreateEnum
CREATE TYPE "Decision" AS ENUM ('PASS', 'RETURN', 'PROPOSE_REJECT', 'APPROVE', 'REJECT');

-- CreateEnum
CREATE TYPE "ActorType" AS ENUM ('CANDIDATE', 'STAFF', 'SYSTEM');

-- CreateEnum
CREATE TYPE "Channel" AS ENUM ('INAPP', 'EMAIL', 'SMS');

-- CreateEnum
CREATE TYPE "RecipientType" AS ENUM ('CANDIDATE', 'UNIT');

-- CreateEnum
CREATE TYPE "OutboxStatus" AS ENUM ('PENDING', 'SENT', 'FAILED');

-- CreateTable
CREATE TABLE "ExamYear" (
    "id" UUID NOT NULL,
    "code" VARCHAR(16) NOT NULL,
    "name" VARCHAR(128) NOT NULL,
    "districtCode" VARCHAR(16) NOT NULL,
    "districtName" VARCHAR(64) NOT NULL,
    "uploadStart" TIMESTAMPTZ(3) NOT NULL,
    "uploadEnd" TIMESTAMPTZ(3) NOT NULL,
    "timezone" VARCHAR(64) NOT NULL DEFAULT 'Asia/Shanghai',
    "autoSubmitAtDeadline" BOOLEAN NOT NULL DEFAULT true,
    "returnWindowHours" INTEGER NOT NULL DEFAULT 72,
    "deadlineProcessedAt" TIMESTAMPTZ(3),
    "resultsPublishedAt" TIMESTAMPTZ(3),
    "settings" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ExamYear_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExamSite" (
    "id" UUID NOT NULL,
    "districtCode" VARCHAR(16) NOT NULL,
    "code" VARCHAR(16) NOT NULL,
    "name" VARCHAR(128) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ExamSite_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Candidate" (
    "id" UUID NOT NULL,
    "examYearId" UUID NOT NULL,
    "siteId" UUID NOT NULL,
    "registrationNo" VARCHAR(32) NOT NULL,
    "name" VARCHAR(64) NOT NULL,
    "candidateType" "CandidateType" NOT NULL,
    "attributes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "unitName" VARCHAR(128) NOT NULL,
    "unitPhone" VARCHAR(32),
    "unitEmail" VARCHAR(254),
    "phone" VARCHAR(32),
    "email" VARCHAR(254),
    "idNumberEnc" BYTEA NOT NULL,
    "idNumberHash" CHAR(64) NOT NULL,
    "passwordHash" VARCHAR(255),
    "activatedAt" TIMESTAMPTZ(3),
    "failedLogins" INTEGER NOT NULL DEFAULT 0,
    "lockedUntil" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Candidate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL,
    "username" VARCHAR(64) NOT NULL,
    "displayName" VARCHAR(64) NOT NULL,
    "role" "Role" NOT NULL,
    "districtCode" VARCHAR(16) NOT NULL,
    "siteId" UUID,
    "passwordHash" VARCHAR(255) NOT NULL,
    "failedLogins" INTEGER NOT NULL DEFAULT 0,
    "lockedUntil" TIMESTAMPTZ(3),
    "disabledAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" CHAR(64) NOT NULL,
    "role" "Role" NOT NULL,
    "candidateId" UUID,
    "userId" UUID,
    "csrfToken" CHAR(43) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MaterialCategory" (
    "id" UUID NOT NULL,
    "examYearId" UUID NOT NULL,
    "code" VARCHAR(32) NOT NULL,
    "name" VARCHAR(128) NOT NULL,
    "description" TEXT NOT NULL,
    "exampleKey" VARCHAR(255),
    "minCount" INTEGER NOT NULL,
    "maxCount" INTEGER NOT NULL,
    "appliesTo" JSONB NOT NULL,
    "sortOrder" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "MaterialCategory_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Dossier" (
    "id" UUID NOT NULL,
    "candidateId" UUID NOT NULL,
    "examYearId" UUID NOT NULL,
    "siteId" UUID NOT NULL,
    "status" "DossierStatus" NOT NULL DEFAULT 'DRAFT',
    "autoSubmitted" BOOLEAN NOT NULL DEFAULT false,
    "proposedRejection" BOOLEAN NOT NULL DEFAULT false,
    "submittedAt" TIMESTAMPTZ(3),
    "lastTransitionAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "version" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Dossier_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DossierTransition" (
    "id" UUID NOT NULL,
    "dossierId" UUID NOT NULL,
    "fromStatus" "DossierStatus",
    "toStatus" "DossierStatus" NOT NULL,
    "actorType" "ActorType" NOT NULL,
    "actorId" UUID,
    "reason" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DossierTransition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Image" (
    "id" UUID NOT NULL,
    "dossierId" UUID NOT NULL,
    "categoryCode" VARCHAR(32) NOT NULL,
    "storageKey" VARCHAR(255) NOT NULL,
    "thumbKey" VARCHAR(255),
    "previewKey" VARCHAR(255),
    "sha256" CHAR(64) NOT NULL,
    "phash" CHAR(16),
    "sizeBytes" INTEGER NOT NULL,
    "width" INTEGER,
    "height" INTEGER,
    "mime" VARCHAR(32),
    "sharpness" DOUBLE PRECISION,
    "state" "ImageState" NOT NULL DEFAULT 'PROCESSING',
    "reason" TEXT,
    "reviewMark" "ReviewMark",
    "reviewReason" TEXT,
    "reviewedById" UUID,
    "reviewedAt" TIMESTAMPTZ(3),
    "uploadedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMPTZ(3),
    "deletedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Image_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Return" (
    "id" UUID NOT NULL,
    "dossierId" UUID NOT NULL,
    "level" "ReviewLevel" NOT NULL,
    "createdById" UUID NOT NULL,
    "message" TEXT,
    "deadline" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Return_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReturnItem" (
    "id" UUID NOT NULL,
    "returnId" UUID NOT NULL,
    "imageId" UUID,
    "categoryCode" VARCHAR(32) NOT NULL,
    "reasonCode" VARCHAR(32) NOT NULL,
    "reasonText" TEXT,

    CONSTRAINT "ReturnItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReviewDecision" (
    "id" UUID NOT NULL,
    "dossierId" UUID NOT NULL,
    "level" "ReviewLevel" NOT NULL,
    "reviewerId" UUID NOT NULL,
    "decision" "Decision" NOT NULL,
    "comment" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReviewDecision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NotificationOutbox" (
    "id" UUID NOT NULL,
    "eventKey" VARCHAR(128) NOT NULL,
    "eventType" VARCHAR(64) NOT NULL,
    "recipientType" "RecipientType" NOT NULL,
    "candidateId" UUID,
    "channel" "Channel" NOT NULL,
    "address" VARCHAR(254),
    "templateCode" VARCHAR(64) NOT NULL,
    "params" JSONB NOT NULL DEFAULT '{}',
    "status" "OutboxStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "sentAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "NotificationOutbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InboxMessage" (
    "id" UUID NOT NULL,
    "candidateId" UUID NOT NULL,
    "outboxId" UUID,
    "title" VARCHAR(128) NOT NULL,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "readAt" TIMESTAMPTZ(3),

    CONSTRAINT "InboxMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorType" "ActorType" NOT NULL,
    "actorId" UUID,
    "action" VARCHAR(64) NOT NULL,
    "targetType" VARCHAR(32) NOT NULL,
    "targetId" VARCHAR(64),
    "candidateId" UUID,
    "ip" VARCHAR(64),
    "details" JSONB,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ExamYear_districtCode_code_key" ON "ExamYear"("districtCode", "code");

-- CreateIndex
CREATE UNIQUE INDEX "ExamSite_districtCode_code_key" ON "ExamSite"("districtCode", "code");

-- CreateIndex
CREATE INDEX "Candidate_registrationNo_idx" ON "Candidate"("registrationNo");

-- CreateIndex
CREATE INDEX "Candidate_idNumberHash_idx" ON "Candidate"("idNumberHash");

-- CreateIndex
CREATE INDEX "Candidate_siteId_idx" ON "Candidate"("siteId");

-- CreateIndex
CREATE UNIQUE INDEX "Candidate_examYearId_registrationNo_key" ON "Candidate"("examYearId", "registrationNo");

-- CreateIndex
CREATE UNIQUE INDEX "User_username_key" ON "User"("username");

-- CreateIndex
CREATE INDEX "Session_candidateId_idx" ON "Session"("candidateId");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE INDEX "Session_expiresAt_idx" ON "Session"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "MaterialCategory_examYearId_code_key" ON "MaterialCategory"("examYearId", "code");

-- CreateIndex
CREATE UNIQUE INDEX "Dossier_candidateId_key" ON "Dossier"("candidateId");

-- CreateIndex
CREATE INDEX "Dossier_examYearId_siteId_status_submittedAt_id_idx" ON "Dossier"("examYearId", "siteId", "status", "submittedAt", "id");

-- CreateIndex
CREATE INDEX "Dossier_examYearId_status_submittedAt_id_idx" ON "Dossier"("examYearId", "status", "submittedAt", "id");

-- CreateIndex
CREATE INDEX "DossierTransition_dossierId_createdAt_idx" ON "DossierTransition"("dossierId", "createdAt");

-- CreateIndex
CREATE INDEX "Image_dossierId_categoryCode_idx" ON "Image"("dossierId", "categoryCode");

-- CreateIndex
CREATE INDEX "Image_state_uploadedAt_idx" ON "Image"("state", "uploadedAt");

-- CreateIndex
CREATE INDEX "Return_dossierId_idx" ON "Return"("dossierId");

-- CreateIndex
CREATE INDEX "Return_closedAt_deadline_idx" ON "Return"("closedAt", "deadline");

-- CreateIndex
CREATE INDEX "ReturnItem_returnId_idx" ON "ReturnItem"("returnId");

-- CreateIndex
CREATE INDEX "ReturnItem_imageId_idx" ON "ReturnItem"("imageId");

-- CreateIndex
CREATE INDEX "ReviewDecision_dossierId_createdAt_idx" ON "ReviewDecision"("dossierId", "createdAt");

-- CreateIndex
CREATE INDEX "ReviewDecision_reviewerId_createdAt_idx" ON "ReviewDecision"("reviewerId", "createdAt");

-- CreateIndex
CREATE INDEX "NotificationOutbox_status_createdAt_idx" ON "NotificationOutbox"("status", "createdAt");

-- CreateIndex
CREATE INDEX "NotificationOutbox_candidateId_idx" ON "NotificationOutbox"("candidateId");

-- CreateIndex
CREATE UNIQUE INDEX "NotificationOutbox_eventKey_recipientType_channel_key" ON "NotificationOutbox"("eventKey", "recipientType", "channel");

-- CreateIndex
CREATE UNIQUE INDEX "InboxMessage_outboxId_key" ON "InboxMessage"("outboxId");

-- CreateIndex
CREATE INDEX "InboxMessage_candidateId_createdAt_idx" ON "InboxMessage"("candidateId", "createdAt");

-- CreateIndex
CREATE INDEX "AuditLog_candidateId_at_idx" ON "AuditLog"("candidateId", "at");

-- CreateIndex
CREATE INDEX "AuditLog_at_idx" ON "AuditLog"("at");

-- CreateIndex
CREATE INDEX "AuditLog_actorId_at_idx" ON "AuditLog"("actorId", "at");

-- AddForeignKey
ALTER TABLE "Candidate" ADD CONSTRAINT "Candidate_examYearId_fkey" FOREIGN KEY ("examYearId") REFERENCES "ExamYear"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Candidate" ADD CONSTRAINT "Candidate_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "ExamSite"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "ExamSite"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_candidateId_fkey" FOREIGN KEY ("candidateId") REFERENCES "Candidate"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MaterialCategory" ADD CONSTRAINT "MaterialCategory_examYearId_fkey" FOREIGN KEY ("examYearId") REFERENCES "ExamYear"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Dossier" ADD CONSTRAINT "Dossier_candidateId_fkey" FOREIGN KEY ("candidateId") REFERENCES "Candidate"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Dossier" ADD CONSTRAINT "Dossier_examYearId_fkey" FOREIGN KEY ("examYearId") REFERENCES "ExamYear"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Dossier" ADD CONSTRAINT "Dossier_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "ExamSite"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DossierTransition" ADD CONSTRAINT "DossierTransition_dossierId_fkey" FOREIGN KEY ("dossierId") REFERENCES "Dossier"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Image" ADD CONSTRAINT "Image_dossierId_fkey" FOREIGN KEY ("dossierId") REFERENCES "Dossier"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Return" ADD CONSTRAINT "Return_dossierId_fkey" FOREIGN KEY ("dossierId") REFERENCES "Dossier"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReturnItem" ADD CONSTRAINT "ReturnItem_returnId_fkey" FOREIGN KEY ("returnId") REFERENCES "Return"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReturnItem" ADD CONSTRAINT "ReturnItem_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReviewDecision" ADD CONSTRAINT "ReviewDecision_dossierId_fkey" FOREIGN KEY ("dossierId") REFERENCES "Dossier"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InboxMessage" ADD CONSTRAINT "InboxMessage_candidateId_fkey" FOREIGN KEY ("candidateId") REFERENCES "Candidate"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
