-- A rollback trigger that fired and whose condition then stayed clear for its pending period is RESOLVED;
-- clearSince is when the condition last became clear while FIRING (the start of that period).
ALTER TYPE "TriggerState" ADD VALUE 'RESOLVED';

ALTER TABLE "Criterion" ADD COLUMN "clearSince" TIMESTAMP(3);
