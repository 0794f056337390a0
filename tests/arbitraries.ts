// The arbitraries shared by the tests are the ones users get from the testkit entry point, so they are tested too;
// after them, the few that only the store tests need.
import fc from 'fast-check';

export * from '../src/testkit/index.ts';

/** The characters with a meaning in PostgreSQL's COPY text format: every control character and the backslash. */
export const COPY_SPECIAL_CHARACTERS: ReadonlyArray<string> = [
  ...Array.from({ length: 0x1f }, (_, i) => String.fromCharCode(i + 1)),
  '\x7f',
  '\\',
];

/**
 * Any text a PostgreSQL `text` column holds: code points from all of Unicode (control characters included, and
 * often COPY's special characters), never NUL and never a lone surrogate. Length counts code points.
 */
export const storableText = ({ minLength = 0, maxLength = 12 } = {}): fc.Arbitrary<string> =>
  fc.string({
    unit: fc.oneof(
      { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => c !== '\0'), weight: 3 },
      { arbitrary: fc.constantFrom(...COPY_SPECIAL_CHARACTERS), weight: 1 },
    ),
    minLength,
    maxLength,
  });
