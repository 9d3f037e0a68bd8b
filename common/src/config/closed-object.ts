import { closest, distance } from "fastest-levenshtein";
import * as v from "valibot";

/**
 * An object schema that lists every unknown key, each with its path and a "did you mean" for a
 * near miss. Valibot's strictObject stops at the first unknown key of an object; this takes the
 * object loosely and then checks its keys with a rawCheck, which runs even when other keys have
 * problems, so a config's every mistake is reported at once. Inside a union (a threshold's long
 * form) the object's issues are kept, rather than the union's generic message.
 */
export function closedObject<const Entries extends v.ObjectEntries>(
  entries: Entries,
): v.ObjectSchema<Entries, undefined> {
  const known = Object.keys(entries);
  const schema = v.pipe(
    v.looseObject(entries),
    v.rawCheck(({ dataset, addIssue }) => {
      const input = dataset.value as Record<string, unknown>;
      for (const key of Object.keys(input)) {
        if (Object.hasOwn(entries, key)) continue;
        addIssue({
          message: `unknown key${suggestion(key, known)}`,
          input: input[key],
          path: [{ type: "object", origin: "key", input, key, value: input[key] }],
        });
      }
    }),
  );
  // typed as the plain object schema it stands for: the output has the entries' keys only (an
  // object with other keys is refused), not looseObject's index signature
  return schema as unknown as v.ObjectSchema<Entries, undefined>;
}

/**
 * ` (did you mean "port"?)` when one of the known names is a near miss: at most a third of the
 * name's letters differ (two for short names: `prot` → `port`), and not the whole name.
 */
export function suggestion(name: string, known: readonly string[]): string {
  if (known.length === 0) return "";
  const best = closest(name, known);
  const edits = distance(name, best);
  return edits <= Math.max(2, Math.floor(name.length / 3)) && edits < name.length
    ? ` (did you mean "${best}"?)`
    : "";
}
