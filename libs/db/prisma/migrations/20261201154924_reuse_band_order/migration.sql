
-- DropIndex
DROP INDEX "ImageHash_examYearId_b0_idx";

-- DropIndex
DROP INDEX "ImageHash_examYearId_b1_idx";

-- DropIndex
DROP INDEX "ImageHash_examYearId_b2_idx";

-- DropIndex
DROP INDEX "ImageHash_examYearId_b3_idx";

-- CreateIndex
CREATE INDEX "ImageHash_examYearId_b0_createdAt_imageId_hash_dossierId_idx" ON "ImageHash"("examYearId", "b0", "createdAt", "imageId", "hash", "dossierId");

-- CreateIndex
CREATE INDEX "ImageHash_examYearId_b1_createdAt_imageId_hash_dossierId_idx" ON "ImageHash"("examYearId", "b1", "createdAt", "imageId", "hash", "dossierId");

-- CreateIndex
CREATE INDEX "ImageHash_examYearId_b2_createdAt_imageId_hash_dossierId_idx" ON "ImageHash"("examYearId", "b2", "createdAt", "imageId", "hash", "dossierId");

-- CreateIndex
CREATE INDEX "ImageHash_examYearId_b3_createdAt_imageId_hash_dossierId_idx" ON "ImageHash"("examYearId", "b3", "createdAt", "imageId", "hash", "dossierId");
