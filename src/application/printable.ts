// Text from outside (a server's file names, the ids and fields of a file) printed in a line of a text report: a
// CR would move the cursor back over what was printed, a line break would forge a line, other control characters
// would drive the terminal. They are shown escaped instead; everything else is printed as it is.

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this rule's purpose
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const NAMED: Readonly<Record<string, string>> = { '\r': '\\r', '\n': '\\n', '\t': '\\t', '\u0000': '\\0' };

/** `text` for one line of a text report: CR as `\r`, LF as `\n`, tab `\t`, NUL `\0`, any other control `\xHH`/`\uHHHH`. */
export const printable = (text: string): string =>
  text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return NAMED[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`);
  });
