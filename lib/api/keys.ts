// react-query keys, one factory per feature: never inline string keys.
export const rolloutKeys = {
  all: ["rollouts"] as const,
  list: () => [...rolloutKeys.all, "list"] as const,
  state: (rolloutId: string) => [...rolloutKeys.all, "state", rolloutId] as const,
  events: (rolloutId: string) => [...rolloutKeys.all, "events", rolloutId] as const,
};

export const statusKeys = {
  byToken: (token: string) => ["status", token] as const,
};

export const shareKeys = {
  byRollout: (rolloutId: string) => ["share-links", rolloutId] as const,
};
