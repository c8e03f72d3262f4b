// KAITO v0.3.2's container command lines: `<launcher> --k=v … <script> --k=v …` run by /bin/sh -c.
// KAITO iterates Go maps, so its flag order varies from run to run; ours is sorted by flag name.

/** `--key=value`, or a bare `--key` when the value is empty. */
export function flags(params: Readonly<Record<string, string>>): string[] {
  return Object.keys(params)
    .sort()
    .map((key) => (params[key] === "" ? `--${key}` : `--${key}=${params[key] ?? ""}`));
}

export const commandLine = (...parts: readonly (string | readonly string[])[]): string => parts.flat().join(" ");

export const shellCommand = (line: string): string[] => ["/bin/sh", "-c", line];
