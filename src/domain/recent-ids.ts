/**
 * Appends an id to a list kept in arrival order and, once the list is a tenth over `keep`, forgets the oldest
 * beyond it (calling `forget` for each). Trimming a tenth at a time keeps this O(1) per id on average: shifting
 * the oldest off a list of thousands on every call was a measurable share of the order path.
 */
export function rememberRecent(ids: string[], id: string, keep: number, forget: (id: string) => void): void {
  ids.push(id);
  if (ids.length > keep + keep / 10) {
    for (const old of ids.splice(0, ids.length - keep)) forget(old);
  }
}
