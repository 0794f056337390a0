// The one rule for the length of every name this library derives for a file (a download's temp copy, an error
// report, an archived or held-back file, a hidden temp name): at most the 255 bytes a file system allows in one name
// (ext4, XFS, APFS, NTFS in UTF-16 units; OpenSSH servers share their file system's limit), whatever the server's name.

/** The longest name, in UTF-8 bytes, that one path segment may have. */
export const MAX_NAME_BYTES = 255;

const utf8 = new TextEncoder();

/** The length of `name` in UTF-8 bytes. */
export const nameBytes = (name: string): number => utf8.encode(name).length;

// FNV-1a over the UTF-16 code units, twice with different offsets: 16 hex digits that tell apart long names
// sharing a cut prefix. Not a secret and not against an adversary; collisions only matter among one folder's names.
const fnv1a = (text: string, offset: number): string => {
  let hash = offset >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
};

/** A stable 16-hex-digit digest of `text` (the same text, the same digest, on every run and machine). */
export const nameDigest = (text: string): string => `${fnv1a(text, 0x811c9dc5)}${fnv1a(text, 0x01234567)}`;

// The longest prefix of `text` of at most `bytes` UTF-8 bytes that ends on a whole character (never half a pair).
const prefixOfBytes = (text: string, bytes: number): string => {
  let used = 0;
  let end = 0;
  for (const character of text) {
    const size = nameBytes(character);
    if (used + size > bytes) break;
    used += size;
    end += character.length;
  }
  return text.slice(0, end);
};

/**
 * `name` itself when it has at most `maxBytes` UTF-8 bytes; else its start cut at a whole character, `~`, a digest
 * of the whole name (`nameDigest`) and its extension (the last `.xxx` of up to 16 bytes), `maxBytes` at most. So a
 * long name always maps to the same short name, two long names to two short ones (but for a digest collision), and
 * the extension a reader recognises files by (`.csv`) survives.
 */
export const fitName = (name: string, maxBytes: number = MAX_NAME_BYTES): string => {
  if (nameBytes(name) <= maxBytes) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && nameBytes(name.slice(dot)) <= 16 ? name.slice(dot) : '';
  const tail = `~${nameDigest(name)}${extension}`;
  return `${prefixOfBytes(name.slice(0, name.length - extension.length), Math.max(0, maxBytes - nameBytes(tail)))}${tail}`;
};

/** `name` (fitted) followed by `suffix`, at most `MAX_NAME_BYTES` in all: the name of a file derived from another. */
export const withSuffix = (name: string, suffix: string): string =>
  `${fitName(name, MAX_NAME_BYTES - nameBytes(suffix))}${suffix}`;
