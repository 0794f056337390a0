// PostgreSQL COPY text format: tab-separated, `\N` for null, and backslash escapes for the characters that would
// break a line apart. Ids never hold control characters (the domain's Identifier), but a store must not trust that.

const ESCAPE = /[\\\t\n\r]/;

/** One field for COPY ... FROM STDIN (text format). */
export const copyField = (value: string | number | boolean | null): string => {
  if (value === null) return '\\N';
  const text = typeof value === 'boolean' ? (value ? 't' : 'f') : String(value);
  return ESCAPE.test(text)
    ? text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : text;
};

/** One field of COPY ... TO STDOUT (text format) back to its text. */
export const copyValue = (field: string): string =>
  field.includes('\\')
    ? field.replace(/\\(.)/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c))
    : field;
