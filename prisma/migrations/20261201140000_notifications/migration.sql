-- CreateEnum
CREATE TYPE "NotificationChannelKind" AS ENUM ('SLACK', 'WEBHOOK', 'PAGERDUTY');

-- CreateEnum
CREATE TYPE "NotificationDeliveryStatus" AS ENUM ('PENDING', 'SENT', 'FAILED');

-- AlterTable
ALTER TABLE "Criterion" ADD COLUMN     "alertName" TEXT,
ADD COLUMN     "alertLabels" JSONB;

-- CreateTable
CREATE TABLE "NotificationChannel" (
    "id" TEXT NOT NULL,
    "rolloutId" TEXT,
    "kind" "NotificationChannelKind" NOT NULL,
    "name" TEXT NOT NULL,
    "secretConfig" TEXT NOT NULL,
    "targetHint" TEXT NOT NULL,
    "rules" JSONB,
    "forRehearsals" BOOLEAN NOT NULL DEFAULT false,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "lastSentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "deletedAt" TIMESTAMP(3),

    CONSTRAINT "NotificationChannel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NotificationDelivery" (
    "id" BIGSERIAL NOT NULL,
    "channelId" TEXT NOT NULL,
    "rolloutId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "topic" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "status" "NotificationDeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastStatus" INTEGER,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "NotificationDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertToken" (
    "id" TEXT NOT NULL,
    "rolloutId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "label" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "AlertToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertReceipt" (
    "id" BIGSERIAL NOT NULL,
    "rolloutId" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AlertReceipt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NotificationReminder" (
    "id" BIGSERIAL NOT NULL,
    "rolloutId" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "lastSentAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "NotificationReminder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NotificationSettings" (
    "rolloutId" TEXT NOT NULL,
    "gateWaitMinutes" INTEGER NOT NULL DEFAULT 15,
    "reminderCadenceMinutes" INTEGER NOT NULL DEFAULT 30,
    "stakeholderUpdateMinutes" INTEGER,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "NotificationSettings_pkey" PRIMARY KEY ("rolloutId")
);

-- CreateIndex
CREATE INDEX "NotificationChannel_rolloutId_idx" ON "NotificationChannel"("rolloutId");

-- CreateIndex
CREATE INDEX "NotificationDelivery_status_nextAttemptAt_idx" ON "NotificationDelivery"("status", "nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "NotificationDelivery_channelId_rolloutId_seq_key" ON "NotificationDelivery"("channelId", "rolloutId", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "AlertToken_tokenHash_key" ON "AlertToken"("tokenHash");

-- CreateIndex
CREATE INDEX "AlertToken_rolloutId_idx" ON "AlertToken"("rolloutId");

-- CreateIndex
CREATE UNIQUE INDEX "AlertReceipt_rolloutId_fingerprint_status_startsAt_key" ON "AlertReceipt"("rolloutId", "fingerprint", "status", "startsAt");

-- CreateIndex
CREATE UNIQUE INDEX "NotificationReminder_rolloutId_subject_key" ON "NotificationReminder"("rolloutId", "subject");

-- AddForeignKey
ALTER TABLE "NotificationChannel" ADD CONSTRAINT "NotificationChannel_rolloutId_fkey" FOREIGN KEY ("rolloutId") REFERENCES "Rollout"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NotificationDelivery" ADD CONSTRAINT "NotificationDelivery_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "NotificationChannel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertToken" ADD CONSTRAINT "AlertToken_rolloutId_fkey" FOREIGN KEY ("rolloutId") REFERENCES "Rollout"("id") ON DELETE CASCADE ON UPDATE CASCADE;
