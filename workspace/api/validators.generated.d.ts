// Types of the standalone validators scripts/build.mjs generates into dist/ from schema.ts.
import type { ValidateFunction } from "ajv";
export const workspaceV1alpha1: ValidateFunction;
export const workspaceV1beta1: ValidateFunction;
export const modelLockFile: ValidateFunction;
