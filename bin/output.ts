// Writing a command's product as it is produced: chunks gathered into writes of about 64 KiB,
// each waiting for the stream to drain, so a slow reader (a pipe, Argo CD's cmp-server) holds
// back the producer instead of the whole output piling up in memory.
import type { Writable } from "node:stream";
import { stringify } from "yaml";
import { PRINT_OPTIONS } from "../workspace/render/print.js";

const BATCH_CHARS = 64 * 1024;

export async function writeChunks(stream: Writable, chunks: Iterable<string>): Promise<void> {
  let pending = "";
  const flush = async (): Promise<void> => {
    const text = pending;
    pending = "";
    if (text !== "" && !stream.write(text)) await new Promise<void>((resolve) => stream.once("drain", resolve));
  };
  for (const chunk of chunks) {
    pending += chunk;
    if (pending.length >= BATCH_CHARS) await flush();
  }
  await flush();
}

/** The bytes printYamlStream gives, one object at a time. */
export function* yamlStreamChunks(objects: Iterable<unknown>): Generator<string> {
  let first = true;
  for (const object of objects) {
    yield `${first ? "" : "---\n"}${stringify(object, PRINT_OPTIONS)}`;
    first = false;
  }
}

/** The bytes printJsonList gives, one object at a time. */
export function* jsonListChunks(objects: Iterable<unknown>): Generator<string> {
  yield '{\n  "apiVersion": "v1",\n  "kind": "List",\n  "items": [';
  let first = true;
  for (const object of objects) {
    const text = JSON.stringify(object, null, 2).replace(/\n/g, "\n    ");
    yield `${first ? "" : ","}\n    ${text}`;
    first = false;
  }
  yield first ? "]\n}\n" : "\n  ]\n}\n";
}
