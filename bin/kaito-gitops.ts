#!/usr/bin/env node
// The kaito-gitops command: the real process, streams and exit code around main().
import { main } from "./main.js";

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
});
// Let stdout drain before exiting: large renders go through a pipe.
process.exitCode = code;
