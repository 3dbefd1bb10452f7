-- AlterEnum
ALTER TYPE "ActionRunStatus" ADD VALUE 'INTERRUPTED';

-- AlterTable
ALTER TABLE "Action" ADD COLUMN     "targetIdempotent" BOOLEAN NOT NULL DEFAULT false;
