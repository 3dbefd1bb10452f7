// react-query keys, one factory per feature: never inline string keys.
export const rolloutKeys = {
  all: ["rollouts"] as const,
  list: () => [...rolloutKeys.all, "list"] as const,
  state: (rolloutId: string) => [...rolloutKeys.all, "state", rolloutId] as const,
  events: (rolloutId: string) => [...rolloutKeys.all, "events", rolloutId] as const,
};

export const actionKeys = {
  all: ["actions"] as const,
  /** The admin's view of a rollout's action configuration (masked secrets). */
  config: (rolloutId: string) => [...actionKeys.all, "config", rolloutId] as const,
};

export const statusKeys = {
  byToken: (token: string) => ["status", token] as const,
};

export const metricKeys = {
  all: ["metrics"] as const,
  /** Every tile's latest reading and recent series for one rollout (GET /api/v1/rollouts/:id/metrics + live). */
  series: (rolloutId: string) => [...metricKeys.all, "series", rolloutId] as const,
};

export const tileKeys = {
  /** The admin's view of a rollout's tiles with their sources (GET /api/v1/rollouts/:id/tiles). */
  config: (rolloutId: string) => ["tiles", "config", rolloutId] as const,
};

export const shareKeys = {
  byRollout: (rolloutId: string) => ["share-links", rolloutId] as const,
};

export const peopleKeys = {
  users: () => ["people", "users"] as const,
  invitations: () => ["people", "invitations"] as const,
  tokens: () => ["people", "tokens"] as const,
};

export const notificationKeys = {
  all: ["notifications"] as const,
  /** A rollout's channels and the defaults that apply to it. */
  channels: (rolloutId: string) => [...notificationKeys.all, "channels", rolloutId] as const,
  deliveries: (channelId: string, rolloutId: string) => [...notificationKeys.all, "deliveries", channelId, rolloutId] as const,
  /** A rollout's reminder cadence (gate wait, repeat, periodic stakeholder update). */
  settings: (rolloutId: string) => [...notificationKeys.all, "settings", rolloutId] as const,
};
