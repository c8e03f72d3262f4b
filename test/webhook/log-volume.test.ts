// Log volume under a flood: answers the API server never causes (bodies that are no
// AdmissionReview) are logged once per interval with a count of the rest, so a scanner cannot
// turn requests into log lines one for one; denials of real reviews are each logged.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import request from "supertest";
import { throttle } from "../../webhook/log-throttle.js";
import { testApp } from "./harness.js";
import { admissionReview, phi3 } from "./review.js";

describe("log volume", () => {
  it("logs one line for a flood of non-reviews, and each denial of a real review", async () => {
    const { app, lines } = testApp();
    for (let i = 0; i < 50; i += 1) {
      const res = await request(app).post("/mutate").set("Content-Type", "application/json").send(`{"kind":"Nope","n":${i}}`);
      assert.equal(res.status, 400);
    }
    const rejected = lines().filter((l) => l["code"] === 400);
    assert.equal(rejected.length, 1, JSON.stringify(rejected));
    for (let i = 0; i < 3; i += 1) {
      const bad = phi3();
      (bad["resource"] as Record<string, unknown>)["instanceType"] = "";
      await request(app).post("/mutate").set("Content-Type", "application/json").send(admissionReview({ object: bad }));
    }
    assert.equal(lines().filter((l) => l["msg"] === "admission denied").length, 3);
  });

  it("throttle: the first event at once, the rest counted into the next line after the interval", () => {
    let now = 0;
    const logged: [string, number][] = [];
    const t = throttle<string>(1000, () => now, (event, suppressed) => logged.push([event, suppressed]));
    t.hit("a");
    for (const at of [10, 20, 999]) {
      now = at;
      t.hit("b");
    }
    now = 1001;
    t.hit("c");
    assert.deepEqual(logged, [
      ["a", 0],
      ["c", 3],
    ]);
  });
});
