-- CreateEnum
CREATE TYPE "ApiTokenScope" AS ENUM ('FULL', 'READ_ONLY', 'METRICS_PUSH');

-- AlterTable: every existing token keeps working as a full token for every rollout.
ALTER TABLE "ApiToken" ADD COLUMN     "scope" "ApiTokenScope" NOT NULL DEFAULT 'FULL',
ADD COLUMN     "allRollouts" BOOLEAN NOT NULL DEFAULT true;

-- CreateTable
CREATE TABLE "ApiTokenRollout" (
    "tokenId" TEXT NOT NULL,
    "rolloutId" TEXT NOT NULL,

    CONSTRAINT "ApiTokenRollout_pkey" PRIMARY KEY ("tokenId","rolloutId")
);

-- CreateIndex
CREATE INDEX "ApiTokenRollout_rolloutId_idx" ON "ApiTokenRollout"("rolloutId");

-- AddForeignKey
ALTER TABLE "ApiTokenRollout" ADD CONSTRAINT "ApiTokenRollout_tokenId_fkey" FOREIGN KEY ("tokenId") REFERENCES "ApiToken"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiTokenRollout" ADD CONSTRAINT "ApiTokenRollout_rolloutId_fkey" FOREIGN KEY ("rolloutId") REFERENCES "Rollout"("id") ON DELETE CASCADE ON UPDATE CASCADE;
