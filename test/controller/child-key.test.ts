// A rendered node claim carries the Workspace's namespace (as KAITO renders it); the live one,
// cluster-scoped, has none. Both must be the same child, or a status-only controller reports a
// node claim Argo CD created as "not created yet".
import assert from "node:assert/strict";
import { test } from "node:test";
import { childKey } from "../../controller/objects.js";

test("childKey: node claims are keyed without a namespace, namespaced children with theirs", () => {
  assert.equal(childKey("NodeClaim", "models", "ws1"), childKey("NodeClaim", undefined, "ws1"));
  assert.equal(childKey("Machine", "models", "ws1"), childKey("Machine", undefined, "ws1"));
  assert.notEqual(childKey("StatefulSet", "models", "phi"), childKey("StatefulSet", "other", "phi"));
  assert.notEqual(childKey("Service", "models", "phi"), childKey("StatefulSet", "models", "phi"));
});
