import { invalid } from "./decode-faults.js";
import type { Mode } from "./decode-faults.js";
import { NON_WS } from "./decode-grammar.js";
import type { Kind } from "./decode-grammar.js";
import { scalar } from "./decode-scalars.js";
import type { XmlRpcStruct, XmlRpcValue } from "./values.js";

/** An open element: what it has gathered so far for its parent. */
export class Frame {
  children = 0;
  text = "";
  value: XmlRpcValue | undefined = undefined;
  name: string | undefined = undefined;
  items: XmlRpcValue[] | undefined;
  struct: XmlRpcStruct | undefined;

  constructor(
    readonly kind: Kind,
    readonly tag: string,
  ) {
    this.items = kind === "params" || kind === "data" ? [] : undefined;
    this.struct = kind === "struct" ? {} : undefined;
  }
}

/**
 * Hands a closed element's content to its parent: a name, a list, a member or a value. The
 * grammar let only allowed children in; what is checked here is what only the close can tell
 * (an element left empty, a value mixing text with a typed child, a scalar's text).
 */
export function closeFrame(frame: Frame, parent: Frame, mode: Mode): void {
  switch (frame.kind) {
    case "methodName":
    case "name":
      parent.name = frame.text;
      return;
    case "params":
    case "data":
      parent.items = frame.items;
      return;
    case "param":
    case "fault":
      if (frame.children === 0) throw invalid(mode, `<${frame.tag}> without <value>`);
      if (frame.kind === "fault") parent.value = frame.value;
      else parent.items?.push(frame.value ?? null);
      return;
    case "member":
      if (frame.children !== 2) throw invalid(mode, "<member> needs a <name> and a <value>");
      setMember(parent.struct ?? {}, frame.name ?? "", frame.value ?? null);
      return;
    case "value": {
      let value: XmlRpcValue;
      if (frame.children === 0) value = frame.text;
      else if (NON_WS.test(frame.text)) throw invalid(mode, "<value> mixes text with a typed element");
      else value = frame.value ?? null;
      if (parent.kind === "data") parent.items?.push(value);
      else parent.value = value;
      return;
    }
    case "struct":
      parent.value = frame.struct ?? {};
      return;
    case "array":
      parent.value = frame.items ?? [];
      return;
    default:
      parent.value = scalar(frame.kind, frame.tag, frame.text, mode);
  }
}

function setMember(struct: XmlRpcStruct, name: string, value: XmlRpcValue): void {
  // A plain assignment to "__proto__" would replace the prototype instead of adding a member.
  if (name === "__proto__") {
    Object.defineProperty(struct, name, { value, enumerable: true, writable: true, configurable: true });
  } else {
    struct[name] = value;
  }
}
