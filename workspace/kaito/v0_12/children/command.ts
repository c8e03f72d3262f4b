// Shell command lines the way KAITO v0.12.0 assembles them: a base command followed by
// `--key=value` (or a bare `--key` for an empty value). KAITO iterates Go maps, so its flag order
// varies from run to run; ours is byte order, one of the orders KAITO produces.

export type Params = Readonly<Record<string, string>>;

export function commandLine(base: string, ...params: Params[]): string {
  let out = base;
  for (const p of params) {
    for (const key of Object.keys(p).sort()) {
      const value = p[key] ?? "";
      out += value === "" ? ` --${key}` : ` --${key}=${value}`;
    }
  }
  return out;
}

export const shell = (command: string): string[] => ["/bin/sh", "-c", command];

/** `if <condition>; then <then>; else <else>; fi` */
export const ifElse = (condition: string, then: string, otherwise: string): string => `if ${condition}; then ${then}; else ${otherwise}; fi`;
