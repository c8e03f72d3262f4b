// The express settings and body parser of the admission routes, apart from the app so that the
// benchmark's express floor can use exactly these without loading the domain.
import express from "express";
import type { Express, RequestHandler } from "express";

/** kube-apiserver's own limit on a request body (MaxRequestBodyBytes). */
export const DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;

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
