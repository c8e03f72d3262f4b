// The start-up warm-up (webhook/warm-up.ts): for every KAITO version it takes both handlers down
// the path that patches and the paths that refuse, and it never reads the cluster, even when the
// webhook has access to one.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeClient } from "../../controller/kube.js";
import { ADMISSION_READ_LIMITS } from "../../webhook/cluster-reads.js";
import { warmUp } from "../../webhook/warm-up.js";
import { KAITO_VERSIONS, expandOptions } from "../../workspace/index.js";

describe("admission warm-up", () => {
  for (const kaitoVersion of KAITO_VERSIONS) {
    it(`KAITO ${kaitoVersion}: patches and refuses, each handler each round, and reads nothing`, async () => {
      const requests: unknown[] = [];
      const client: KubeClient = {
        server: "https://cluster.invalid",
        request<T>(req: unknown): Promise<T> {
          requests.push(req);
          return Promise.reject(new Error("the warm-up must not read the cluster"));
        },
        close() {},
      };
      const results = await warmUp({ options: expandOptions({ kaitoVersion }), cluster: { client, limits: ADMISSION_READ_LIMITS } }, 2);
      assert.deepEqual(requests, []);
      // One valid Workspace: /mutate patches it, /validate allows it; four refused ones, by both.
      assert.equal(results.patched, 2);
      assert.equal(results.allowed, 2);
      assert.equal(results.denied, 16);
      assert.equal(results.error, undefined);
    });
  }
});
