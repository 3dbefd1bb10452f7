-- Which of the gate's named approvers ("Business Owner", "Incident Commander") a signature speaks for; a gate
-- that names several needs a GO for each. Null for gates that name none (their roles decide).
ALTER TABLE "Signature" ADD COLUMN "approverTitle" TEXT;
