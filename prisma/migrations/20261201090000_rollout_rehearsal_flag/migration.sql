-- AlterTable
ALTER TABLE "Rollout" ADD COLUMN     "isRehearsal" BOOLEAN NOT NULL DEFAULT false;
