
-- AlterTable
ALTER TABLE "Dossier" ADD COLUMN     "claimedById" UUID,
ADD COLUMN     "claimedUntil" TIMESTAMPTZ(3);
