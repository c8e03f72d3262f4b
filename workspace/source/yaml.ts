// Reading YAML (and JSON, which is YAML 1.2) with the positions kept, so every error can say
// file:line:col. Parsing is pure: callers read the bytes.
import { Composer, Lexer, LineCounter, Parser, isNode } from "yaml";
import type { Document } from "yaml";
import type { CST } from "yaml";

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
 * The parser's tokens, fed one lexeme at a time (what Parser.parse does), refusing the text where
 * the parser's stack of open collections passes MAX_NESTING: before it has built anything more.
 */
function* boundedTokens(parser: Parser, text: string, tooDeep: (offset: number) => Error): Generator<CST.Token> {
  for (const lexeme of new Lexer().lex(text, false)) {
    yield* parser.next(lexeme);
    if (parser.stack.length > MAX_NESTING) throw tooDeep(parser.offset - lexeme.length);
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
  const composer = new Composer({ prettyErrors: false, uniqueKeys: true, strict: true, resolveKnownTags: false });
  const toPosition = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, col };
  };
  let index = 0;
  const tooDeep = (offset: number): SourceError =>
    new SourceError(file, toPosition(offset), `lists and maps nest more than ${MAX_NESTING} levels deep here; a Kubernetes object nests a few dozen`);
  for (const doc of composer.compose(boundedTokens(parser, text, tooDeep))) {
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
