/** The shape a value has after JSON.stringify → JSON.parse: Dates become strings. What clients receive. */
export type Jsonify<T> = T extends Date
  ? string
  : T extends bigint
    ? never
    : T extends Array<infer U>
      ? Jsonify<U>[]
      : T extends object
        ? { [K in keyof T]: Jsonify<T[K]> }
        : T;

export function jsonify<T>(value: T): Jsonify<T> {
  return JSON.parse(JSON.stringify(value)) as Jsonify<T>;
}
