/** fieldIds names the parts of a field so that each is tied to its input. */
export function fieldIds(id: string, hasHint: boolean, hasError: boolean) {
  const hint = `${id}-hint`;
  const error = `${id}-error`;
  const describedBy = [hasHint ? hint : '', hasError ? error : ''].filter(Boolean).join(' ');
  return { hint, error, describedBy: describedBy || undefined };
}
