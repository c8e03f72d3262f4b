// Which KAITO release a Workspace is rendered for: its own annotation, else the road's default.
import type { Workspace } from "../api/types.js";
import { error } from "../violation.js";
import type { Violation } from "../violation.js";
import { isKaitoVersion } from "./profiles.js";
import type { KaitoVersion } from "./types.js";
import { ANNOTATION_KAITO_VERSION, KAITO_VERSIONS } from "./types.js";

export function kaitoVersionOf(ws: Workspace, fallback: KaitoVersion): KaitoVersion | Violation {
  const pinned = ws.metadata.annotations?.[ANNOTATION_KAITO_VERSION];
  if (pinned === undefined) return fallback;
  if (isKaitoVersion(pinned)) return pinned;
  const shown = pinned.length > 40 ? `${JSON.stringify(pinned.slice(0, 40))}…` : JSON.stringify(pinned);
  return error(
    "annotation.kaitoVersion",
    ["metadata", "annotations", ANNOTATION_KAITO_VERSION],
    `unknown KAITO version ${shown}; this release renders for ${KAITO_VERSIONS.join(", ")}`,
  );
}
