import { formatTOffset } from "@/components/rollouts/format";

/** T± of a (possibly fractional) number of minutes, or a dash when there is none. */
export const formTOffsetOrDash = (minutes: number | null) => (minutes === null ? "—" : formatTOffset(Math.round(minutes)));
