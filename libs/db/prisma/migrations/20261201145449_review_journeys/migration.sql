/*
  Warnings:

  - A unique constraint covering the columns `[transitionId]` on the table `ReviewDecision` will be added. If there are existing duplicate values, this will fail.

*/
-- AlterTable
ALTER TABLE "Dossier" ADD COLUMN     "hasReused" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "hasUnclear" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "lastAction" VARCHAR(32),
ADD COLUMN     "publicationId" UUID,
ADD COLUMN     "publishedAt" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "DossierTransition" ADD COLUMN     "action" VARCHAR(32),
ADD COLUMN     "returnId" UUID;

-- AlterTable
ALTER TABLE "Image" ADD COLUMN     "reusedImageId" UUID,
ADD COLUMN     "warnings" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "ReviewDecision" ADD COLUMN     "transitionId" UUID;

-- CreateTable
CREATE TABLE "ImageMark" (
    "id" UUID NOT NULL,
    "decisionId" UUID NOT NULL,
    "imageId" UUID NOT NULL,
    "level" "ReviewLevel" NOT NULL,
    "mark" "ReviewMark" NOT NULL,
    "reasonCode" VARCHAR(32),
    "reasonText" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ImageMark_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Publication" (
    "id" UUID NOT NULL,
    "examYearId" UUID NOT NULL,
    "publishedById" UUID NOT NULL,
    "dossierCount" INTEGER NOT NULL,
    "openCount" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Publication_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DossierStatusCount" (
    "examYearId" UUID NOT NULL,
    "siteId" UUID NOT NULL,
    "status" "DossierStatus" NOT NULL,
    "n" INTEGER NOT NULL,

    CONSTRAINT "DossierStatusCount_pkey" PRIMARY KEY ("examYearId","siteId","status")
);

-- CreateTable
CREATE TABLE "ImageHash" (
    "imageId" UUID NOT NULL,
    "examYearId" UUID NOT NULL,
    "dossierId" UUID NOT NULL,
    "hash" BIGINT NOT NULL,
    "b0" INTEGER NOT NULL,
    "b1" INTEGER NOT NULL,
    "b2" INTEGER NOT NULL,
    "b3" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ImageHash_pkey" PRIMARY KEY ("imageId")
);

-- CreateIndex
CREATE INDEX "ImageMark_imageId_createdAt_idx" ON "ImageMark"("imageId", "createdAt");

-- CreateIndex
CREATE INDEX "ImageMark_decisionId_idx" ON "ImageMark"("decisionId");

-- CreateIndex
CREATE INDEX "Publication_examYearId_createdAt_idx" ON "Publication"("examYearId", "createdAt");

-- CreateIndex
CREATE INDEX "ImageHash_examYearId_b0_idx" ON "ImageHash"("examYearId", "b0");

-- CreateIndex
CREATE INDEX "ImageHash_examYearId_b1_idx" ON "ImageHash"("examYearId", "b1");

-- CreateIndex
CREATE INDEX "ImageHash_examYearId_b2_idx" ON "ImageHash"("examYearId", "b2");

-- CreateIndex
CREATE INDEX "ImageHash_examYearId_b3_idx" ON "ImageHash"("examYearId", "b3");

-- CreateIndex
CREATE UNIQUE INDEX "ReviewDecision_transitionId_key" ON "ReviewDecision"("transitionId");

-- AddForeignKey
ALTER TABLE "Dossier" ADD CONSTRAINT "Dossier_publicationId_fkey" FOREIGN KEY ("publicationId") REFERENCES "Publication"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ImageMark" ADD CONSTRAINT "ImageMark_decisionId_fkey" FOREIGN KEY ("decisionId") REFERENCES "ReviewDecision"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ImageMark" ADD CONSTRAINT "ImageMark_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
