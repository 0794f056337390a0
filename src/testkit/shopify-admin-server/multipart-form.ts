/** A small multipart/form-data reader for the staged-upload POST (the parameters, then the `file` part). */

/** The fields of a form: text fields as strings, file parts as bytes. */
export interface FormFields {
  readonly text: ReadonlyMap<string, string>;
  readonly files: ReadonlyMap<string, Buffer>;
}

/** The boundary of a `multipart/form-data` content type, if it is one. */
export const multipartBoundary = (contentType: string | undefined): string | undefined => {
  if (contentType === undefined || !/^multipart\/form-data/i.test(contentType)) return undefined;
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
};

/** Splits a multipart body into its named parts (binary-safe). */
export const parseMultipart = (body: Buffer, boundary: string): FormFields => {
  const text = new Map<string, string>();
  const files = new Map<string, Buffer>();
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const partStart = start + delimiter.length;
    if (body.subarray(partStart, partStart + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, partStart);
    if (next === -1) break;
    // A part is CRLF, headers, CRLF CRLF, content, CRLF, then the next delimiter.
    const part = body.subarray(partStart + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      const content = part.subarray(headerEnd + 4);
      const name = /name="([^"]*)"/i.exec(headers)?.[1];
      if (name !== undefined) {
        if (/filename="/i.test(headers)) files.set(name, Buffer.from(content));
        else text.set(name, content.toString('utf8'));
      }
    }
    start = next;
  }
  return { text, files };
};
