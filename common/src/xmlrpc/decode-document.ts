import { SaxesParser } from "saxes";
import { toText } from "./decode-body.js";
import { clip, invalid, parseError } from "./decode-faults.js";
import type { Mode } from "./decode-faults.js";
import { NON_WS, TEXT_KINDS, childKind } from "./decode-grammar.js";
import type { Kind } from "./decode-grammar.js";
import type { DecodeOptions } from "./decode-limits.js";
import { resolveLimits } from "./decode-limits.js";
import { XmlRpcFault } from "./fault.js";
import { Frame, closeFrame } from "./decode-tree.js";

/**
 * Reads a whole methodCall (mode "call") or methodResponse and returns its root frame, with the
 * method name, the params or the fault value filled in. Every limit is checked as the parser
 * goes, so a hostile body is refused before it is built; any failure is an XmlRpcFault.
 */
export function parseDocument(body: string | Buffer, mode: Mode, options: DecodeOptions | undefined): Frame {
  const { maxDepth, maxNodes, maxStringLength: maxText } = resolveLimits(options);
  const stack: Frame[] = [];
  let root: Frame | undefined;
  let nodes = 0;
  let textLength = 0;

  // saxes: strict XML 1.0, only the five predefined entities, DTD entity declarations never expanded
  const parser = new SaxesParser();
  parser.on("error", (err) => {
    throw parseError(err.message.split("\n", 1)[0] ?? "malformed XML");
  });
  parser.on("doctype", () => {
    throw parseError("DOCTYPE is not allowed");
  });
  parser.on("processinginstruction", () => {
    throw parseError("processing instructions are not allowed");
  });
  parser.on("opentag", (tag) => {
    if (++nodes > maxNodes) throw parseError(`document has more than ${maxNodes} elements`);
    if (stack.length >= maxDepth) throw parseError(`document is nested deeper than ${maxDepth} elements`);
    const parent = stack[stack.length - 1];
    let kind: Kind | undefined;
    if (parent !== undefined) {
      kind = childKind(parent, tag.name);
      parent.children++;
    } else if (root !== undefined) {
      throw parseError("more than one root element");
    } else if (mode === "call" ? tag.name === "methodCall" : tag.name === "methodResponse") {
      kind = mode;
    }
    if (kind === undefined) {
      const where = parent === undefined ? " as root element" : ` in <${clip(parent.tag)}>`;
      throw invalid(mode, `unexpected <${clip(tag.name)}>${where}`);
    }
    stack.push(new Frame(kind, tag.name));
  });
  const onText = (text: string) => {
    textLength += text.length;
    if (textLength > maxText) throw parseError(`text content exceeds ${maxText} characters`);
    const frame = stack[stack.length - 1];
    if (frame === undefined) return; // whitespace around the root; saxes rejects anything else
    if (TEXT_KINDS.has(frame.kind)) frame.text += text;
    else if (NON_WS.test(text)) throw invalid(mode, `unexpected text in <${clip(frame.tag)}>`);
  };
  parser.on("text", onText);
  parser.on("cdata", onText);
  parser.on("closetag", () => {
    const frame = stack.pop();
    if (frame === undefined) return;
    const parent = stack[stack.length - 1];
    if (parent === undefined) root = frame;
    else closeFrame(frame, parent, mode);
  });

  try {
    parser.write(toText(body)).close();
  } catch (err) {
    if (err instanceof XmlRpcFault) throw err;
    throw parseError(err instanceof Error ? (err.message.split("\n", 1)[0] ?? "") : "malformed XML");
  }
  if (root === undefined) throw parseError("no root element");
  if (root.kind === "response" && root.children !== 1) {
    throw invalid(mode, "<methodResponse> must hold one <params> or <fault>");
  }
  return root;
}
