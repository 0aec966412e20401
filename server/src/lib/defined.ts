/**
 * `value` without its undefined properties: under exactOptionalPropertyTypes Prisma reads a
 * present `undefined` as a value, so partial updates pass through here.
 */
export function defined<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
