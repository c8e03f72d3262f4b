// Reading YAML (and JSON, which is YAML 1.2) with the positions kept, so every error can say
// file:line:col. Parsing is pure: callers read the bytes.
import { Composer, Lexer, LineCounter, Parser, isMap, isNode, isScalar, isSeq } from "yaml";
import type { Document } from "yaml";
import type { CST } from "yaml";
import { echo } from "../limits.js";

export type FieldPath = readonly (string | number)[];

export interface Position {
  line: number;
  col: number;
}

/** One document of a YAML stream, with a way back from a field path to where it was written. */
export interface SourceDocument {
  readonly value: unknown;
  readonly file: string;
  /** 0-based index of the document in its file (empty documents are not counted). */
  readonly index: number;
  /** Where the document starts. */
  readonly start: Position;
  /** Position of the deepest existing node along `path`. */
  positionOf(path: FieldPath): Position;
}

/** The input could not be parsed: names the file, line and column and the parser's reason. */
export class SourceError extends Error {
  constructor(
    readonly file: string,
    readonly position: Position | undefined,
    readonly reason: string,
  ) {
    super(`${file}${position ? `:${position.line}:${position.col}` : ""}: ${reason}`);
    this.name = "SourceError";
  }
}

/** Aliases let a small file expand to gigabytes ("billion laughs"); no real manifest needs many. */
const MAX_ALIAS_COUNT = 100;

/**
 * Nesting of lists and maps (block or flow) a document may have. The parser keeps a frame for
 * each open one and the composer recurses through them: 3 MB of `[[[[…` took 14 s and 1.6 GiB
 * before it ended in a stack overflow, and 2,400 levels of indented maps overflowed the stack.
 * Kubernetes objects nest a few dozen levels.
 */
export const MAX_NESTING = 256;

/**
 * Characters one document may have: kube-apiserver takes request bodies of up to 3 MiB and etcd
 * stores objects of up to 1.5 MiB, so no object applied to a cluster is longer. What the parser
 * builds grows with a document (the whole of it is held while it is composed): 3 MB of one-line
 * map entries took 7 s and 500 MiB, and the file limit is 64 MiB.
 */
export const MAX_DOCUMENT_CHARS = 3 * 1024 * 1024;

/** What boundedTokens found past a bound: where, and what to say. */
interface Bound {
  readonly offset: number;
  readonly reason: string;
}

/**
 * The parser's tokens, fed one lexeme at a time (what Parser.parse does), stopping where the
 * parser's stack of open collections passes MAX_NESTING or a document passes MAX_DOCUMENT_CHARS:
 * before the parser has built anything more.
 */
function* boundedTokens(parser: Parser, text: string, refuse: (bound: Bound) => Error): Generator<CST.Token> {
  let documentStart = 0;
  let previous = "";
  for (const lexeme of new Lexer().lex(text, false)) {
    // A document starts with the lexer's start-of-document control character (it takes no room
    // in the text) or a `---` marker; `---` right after the scalar control character is text.
    if (lexeme === "\x02" || (lexeme === "---" && previous !== "\x1f")) documentStart = parser.offset;
    previous = lexeme;
    yield* parser.next(lexeme);
    if (parser.stack.length > MAX_NESTING) {
      throw refuse({ offset: parser.offset - lexeme.length, reason: `lists and maps nest more than ${MAX_NESTING} levels deep here; a Kubernetes object nests a few dozen` });
    }
    if (parser.offset - documentStart > MAX_DOCUMENT_CHARS) {
      throw refuse({ offset: documentStart, reason: `the document starting here is longer than ${MAX_DOCUMENT_CHARS} characters, more than kube-apiserver accepts as one object` });
    }
  }
  yield* parser.end();
}

export function parseYamlStream(text: string, file: string): SourceDocument[] {
  return [...yamlDocuments(text, file)];
}

/**
 * The documents of a stream one at a time, parsed as they are reached: a caller that lets each
 * go before taking the next holds one document's syntax tree at a time, not the whole file's.
 */
export function* yamlDocuments(text: string, file: string): Generator<SourceDocument> {
  const lineCounter = new LineCounter();
  const parser = new Parser(lineCounter.addNewLine);
  // The first line starts at 0 (Parser.parse says so itself; boundedTokens drives next()).
  lineCounter.addNewLine(0);
  // resolveKnownTags: false turns YAML 1.1's !!set, !!binary, !!timestamp, !!omap and !!pairs
  // into unresolved tags (a set of labels would otherwise become an empty map), refused below
  // with every other tag a Kubernetes object cannot carry.
  // uniqueKeys: false, and duplicateKey() below instead: the library compares each key with every
  // earlier one in its map, so 40,000 labels took 28 s (3 MB could hold 300,000).
  const composer = new Composer({ prettyErrors: false, uniqueKeys: false, strict: true, resolveKnownTags: false });
  const toPosition = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, col };
  };
  let index = 0;
  const refuse = (bound: Bound): SourceError => new SourceError(file, toPosition(bound.offset), bound.reason);
  for (const doc of composer.compose(boundedTokens(parser, text, refuse))) {
    const error = doc.errors[0];
    if (error) {
      throw new SourceError(file, toPosition(error.pos[0]), firstLine(error.message));
    }
    const tag = doc.warnings.find((w) => w.code === "TAG_RESOLVE_FAILED");
    if (tag) {
      const name = /Unresolved tag: (\S+)/.exec(tag.message)?.[1]?.replace(/^tag:yaml\.org,2002:/, "!!") ?? "";
      throw new SourceError(file, toPosition(tag.pos[0]), `the tag ${name} is not allowed: Kubernetes objects are plain JSON; write the value without a tag`);
    }
    if (doc.contents === null) continue;
    const duplicate = duplicateKey(doc.contents);
    if (duplicate) throw new SourceError(file, toPosition(duplicate.offset), `the key ${echo(String(duplicate.key))} appears twice in this map; keys must be unique`);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      throw new SourceError(file, toPosition(doc.range[0]), firstLine((e as Error).message));
    }
    yield {
      value,
      file,
      index,
      start: toPosition(doc.contents.range?.[0] ?? doc.range[0]),
      positionOf: (path) => toPosition(offsetOf(doc, path)),
    };
    index += 1;
  }
}

/**
 * The first key that repeats one before it in the same map, as the library's uniqueKeys finds
 * (scalar keys with the same value), in one pass per map. Recursion is bounded by MAX_NESTING.
 */
function duplicateKey(node: unknown): { key: unknown; offset: number } | undefined {
  if (isSeq(node)) {
    for (const item of node.items) {
      const found = duplicateKey(item);
      if (found) return found;
    }
    return undefined;
  }
  if (!isMap(node)) return undefined;
  const seen = new Set<unknown>();
  for (const pair of node.items) {
    if (isScalar(pair.key)) {
      if (seen.has(pair.key.value)) return { key: pair.key.value, offset: pair.key.range?.[0] ?? 0 };
      seen.add(pair.key.value);
    }
    const found = duplicateKey(pair.value);
    if (found) return found;
  }
  return undefined;
}

function offsetOf(doc: Document, path: FieldPath): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return node.range[0];
  }
  return doc.range?.[0] ?? 0;
}

function firstLine(message: string): string {
  return message.split("\n")[0]?.trim() ?? message;
}
