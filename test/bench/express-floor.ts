// The express floor of bench:webhook: the settings and body parser an express app serving
// admission reviews would have (the webhook itself was one until it dropped express, and the
// issue's throughput target is measured against this floor).
import express from "express";
import type { Express, RequestHandler } from "express";

/**
 * Settings every express app serving admission reviews should have. ETags would hash every
 * response for a client that never revalidates; the query string (?timeout=10s) is not needed.
 */
export function configureExpress(app: Express): void {
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", false);
}

/**
 * JSON objects and arrays only, no compressed bodies (the API server never compresses, and
 * inflating is where size limits get dodged).
 */
export function admissionBodyParser(maxBodyBytes: number): RequestHandler {
  return express.json({ limit: maxBodyBytes, strict: true, inflate: false, type: "application/json" });
}
