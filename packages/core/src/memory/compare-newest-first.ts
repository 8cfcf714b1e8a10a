interface Keyed {
  spec: { createdAt: number; id: string };
}

/** Newest first: createdAt descending, then id descending (the order of list cursors). Negative when `a` comes first. */
export function compareNewestFirst(a: Keyed, b: Keyed): number {
  if (a.spec.createdAt !== b.spec.createdAt) return b.spec.createdAt - a.spec.createdAt;
  return a.spec.id < b.spec.id ? 1 : a.spec.id > b.spec.id ? -1 : 0;
}
