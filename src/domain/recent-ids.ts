/**
 * Appends an item (an id, a held message) to a list kept in arrival order and, once the list is a tenth over
 * `keep`, forgets the oldest beyond it (calling `forget` for each). Trimming a tenth at a time keeps this O(1) per id on average: shifting
 * the oldest off a list of thousands on every call was a measurable share of the order path.
 */
export function rememberRecent<T>(items: T[], item: T, keep: number, forget: (item: T) => void): void {
  items.push(item);
  if (items.length > keep + keep / 10) {
    for (const old of items.splice(0, items.length - keep)) forget(old);
  }
}
