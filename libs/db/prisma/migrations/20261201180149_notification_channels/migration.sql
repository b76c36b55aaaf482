-- CreateEnum
CREATE TYPE "DeliveryReceipt" AS ENUM ('DELIVERED', 'UNDELIVERED');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "OutboxStatus" ADD VALUE 'SENDING';
ALTER TYPE "OutboxStatus" ADD VALUE 'CANCELLED';
ALTER TYPE "OutboxStatus" ADD VALUE 'EXPIRED';

-- AlterTable
ALTER TABLE "NotificationOutbox" ADD COLUMN     "expiresAt" TIMESTAMPTZ(3),
ADD COLUMN     "lastAttemptAt" TIMESTAMPTZ(3),
ADD COLUMN     "provider" VARCHAR(16),
ADD COLUMN     "providerMessageId" VARCHAR(128),
ADD COLUMN     "reason" VARCHAR(64),
ADD COLUMN     "receiptAt" TIMESTAMPTZ(3),
ADD COLUMN     "receiptCode" VARCHAR(64),
ADD COLUMN     "receiptStatus" "DeliveryReceipt",
ADD COLUMN     "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
