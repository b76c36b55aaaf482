
-- AlterTable
ALTER TABLE "Candidate" ADD COLUMN     "notifyMuted" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "ExamYear" ADD COLUMN     "windowReminder24hAt" TIMESTAMPTZ(3),
ADD COLUMN     "windowReminder2hAt" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "Return" ADD COLUMN     "reminder24hAt" TIMESTAMPTZ(3);
