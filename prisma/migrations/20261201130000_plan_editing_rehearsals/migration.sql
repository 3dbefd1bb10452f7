-- AlterTable
ALTER TABLE "Rollout" ADD COLUMN     "archivedAt" TIMESTAMP(3),
ADD COLUMN     "isTemplate" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "rehearsalOfId" TEXT;

-- AlterTable
ALTER TABLE "ChecklistItem" ADD COLUMN     "copiedFromId" TEXT,
ADD COLUMN     "stateReason" TEXT;

-- AddForeignKey
ALTER TABLE "Rollout" ADD CONSTRAINT "Rollout_rehearsalOfId_fkey" FOREIGN KEY ("rehearsalOfId") REFERENCES "Rollout"("id") ON DELETE SET NULL ON UPDATE CASCADE;
