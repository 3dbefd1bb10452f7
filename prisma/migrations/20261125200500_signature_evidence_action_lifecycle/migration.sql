-- AlterTable
ALTER TABLE "Signature" ADD COLUMN     "evidence" JSONB;

-- AlterTable
ALTER TABLE "Action" ADD COLUMN     "deletedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "ActionRun" ADD COLUMN     "expiresAt" TIMESTAMP(3);

