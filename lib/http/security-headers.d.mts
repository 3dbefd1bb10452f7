export function securityHeaders(isDev: boolean): { key: string; value: string }[];
