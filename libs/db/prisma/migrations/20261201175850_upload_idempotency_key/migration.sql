
-- AlterTable
ALTER TABLE "Image" ADD COLUMN     "uploadKey" VARCHAR(64);

-- CreateIndex
CREATE UNIQUE INDEX "Image_dossierId_uploadKey_key" ON "Image"("dossierId", "uploadKey");
