/**
 * Canonical form of a UUID (lower-case, hyphenated 8-4-4-4-12), or null. Accepts what Python's
 * `uuid.UUID()` accepts: hyphens anywhere, any case, optional `{}` and `urn:uuid:` (program UUIDs are
 * compared canonically, docs/api/programs.md#catalog; DRF's UUIDField parses curriculum UUIDs that way).
 */
export function canonicalUuid(value: string): string | null {
  const hex = value
    .replace(/^urn:/i, '')
    .replace(/^uuid:/i, '')
    .replace(/^\{/, '')
    .replace(/\}$/, '')
    .replaceAll('-', '')
    .toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
