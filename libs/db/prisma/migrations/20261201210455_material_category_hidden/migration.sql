
-- AlterTable
ALTER TABLE "MaterialCategory" ADD COLUMN     "hidden" BOOLEAN NOT NULL DEFAULT false;
