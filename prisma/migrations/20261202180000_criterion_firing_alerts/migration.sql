-- AlterTable
ALTER TABLE "Criterion" ADD COLUMN     "firingAlerts" TEXT[] DEFAULT ARRAY[]::TEXT[];
