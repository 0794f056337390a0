/**
 * The CSV contract between NetSuite and the OMS importer: the header row the SuiteScripts' saved search prints, the
 * columns the importer reads by default, and the one rule by which a header row is matched against them. One
 * definition, used by both sides (the upload SuiteScript in src/suitescript checks a file's header before it
 * uploads it; the CSV reader in src/adapters/csv reads it), so that neither can drift: a file the SuiteScript
 * uploads is a file whose header the OMS reads, and a file the OMS would hold back for its header is never
 * uploaded. Dependency-free on purpose: the SuiteScript bundle inlines this file into the code that runs inside
 * NetSuite.
 */

/** Which column holds what, by header name. */
export interface NetSuiteExportColumns {
  /** The NetSuite item id (name/number) as printed; kept for reports. */
  readonly item: string;
  /** The NetSuite location internal id (the OMS's external facility id). */
  readonly location: string;
  /** NetSuite's location quantity *available*. */
  readonly quantity: string;
  /** The NetSuite item internal id, which the OMS knows products by. */
  readonly itemInternalId: string;
}

/** The default columns: the labels of the saved search's result columns. */
export const NETSUITE_EXPORT_COLUMNS: NetSuiteExportColumns = {
  item: 'Item',
  location: 'externalFacilityId',
  quantity: 'availableQty',
  itemInternalId: 'idValue',
};

/** The required columns in the order the saved search prints them (and problems are listed in). */
export const EXPORT_COLUMN_KEYS: ReadonlyArray<keyof NetSuiteExportColumns> = [
  'item',
  'location',
  'quantity',
  'itemInternalId',
];

/** The header row in the order the saved search prints it. */
export const NETSUITE_EXPORT_HEADER: ReadonlyArray<string> = EXPORT_COLUMN_KEYS.map(
  (key) => NETSUITE_EXPORT_COLUMNS[key],
);

/** The header row as one CSV line (no line break). */
export const NETSUITE_EXPORT_HEADER_LINE: string = NETSUITE_EXPORT_HEADER.join(',');

/** Where a required column is in a header row: at `index`, nowhere, or in more than one place. */
export type ColumnMatch =
  | { readonly _tag: 'Found'; readonly index: number }
  | { readonly _tag: 'Missing' }
  | { readonly _tag: 'Ambiguous'; readonly indexes: ReadonlyArray<number> };

/**
 * Where the column named `wanted` is among a header row's `names`, by the contract's one rule. Names are compared
 * trimmed (`String.prototype.trim`: blanks, tabs, no-break spaces, a stray byte order mark), `wanted` too.
 *
 * - An exact match wins: a single column whose trimmed name equals `wanted` is Found, whatever other columns differ
 *   from it only in case (`availableQty,AvailableQty` reads the first).
 * - Else a match ignoring case (saved-search labels are edited by hand): a single column equal to `wanted` ignoring
 *   case is Found (`AVAILABLEQTY`).
 * - "Found twice" is Ambiguous, decided at the step that decides: two or more exact matches
 *   (`availableQty,availableQty`, or `availableQty, availableQty ` once trimmed) are Ambiguous even when a case
 *   variant stands beside them; with no exact match, two or more matches ignoring case (`availableqty,AVAILABLEQTY`)
 *   are Ambiguous. Which of two columns holds the quantity cannot be known, so such a file is held back (by the
 *   OMS) and never uploaded (by the SuiteScript), as if the column were missing.
 * - No match either way is Missing.
 */
export const matchColumn = (names: ReadonlyArray<string>, wanted: string): ColumnMatch => {
  const name = wanted.trim();
  const exact: number[] = [];
  const folded: number[] = [];
  const lower = name.toLowerCase();
  names.forEach((n, i) => {
    const trimmed = n.trim();
    if (trimmed === name) exact.push(i);
    else if (trimmed.toLowerCase() === lower) folded.push(i);
  });
  const found = exact.length > 0 ? exact : folded;
  if (found.length === 0) return { _tag: 'Missing' };
  return found.length === 1 ? { _tag: 'Found', index: found[0]! } : { _tag: 'Ambiguous', indexes: found };
};

/** A header row matched against the contract: each required column's match. */
export type HeaderMatch = { readonly [K in keyof NetSuiteExportColumns]: ColumnMatch };

/** Each required column of `columns` matched among a header row's field values (matchColumn's rule). */
export const matchExportHeader = (
  names: ReadonlyArray<string>,
  columns: NetSuiteExportColumns = NETSUITE_EXPORT_COLUMNS,
): HeaderMatch => ({
  item: matchColumn(names, columns.item),
  location: matchColumn(names, columns.location),
  quantity: matchColumn(names, columns.quantity),
  itemInternalId: matchColumn(names, columns.itemInternalId),
});

/** What a usable header gives: each required column's index. */
export type ExportColumnIndexes = { readonly [K in keyof NetSuiteExportColumns]: number };

/**
 * A header row's column indexes, or its problems when a required column is missing or ambiguous: one a column, in
 * contract order, the column's name (`idValue`) or, when ambiguous, the name and why
 * (`availableQty (ambiguous: more than one column has this name)`). Both sides print these.
 */
export const resolveExportHeader = (
  names: ReadonlyArray<string>,
  columns: NetSuiteExportColumns = NETSUITE_EXPORT_COLUMNS,
):
  | { readonly ok: true; readonly indexes: ExportColumnIndexes }
  | { readonly ok: false; readonly problems: ReadonlyArray<string> } => {
  const match = matchExportHeader(names, columns);
  const problems = EXPORT_COLUMN_KEYS.flatMap((key) => {
    const m = match[key];
    return m._tag === 'Found'
      ? []
      : [m._tag === 'Missing' ? columns[key] : `${columns[key]} (ambiguous: more than one column has this name)`];
  });
  if (problems.length > 0) return { ok: false, problems };
  const index = (m: ColumnMatch): number => (m._tag === 'Found' ? m.index : -1);
  return {
    ok: true,
    indexes: {
      item: index(match.item),
      location: index(match.location),
      quantity: index(match.quantity),
      itemInternalId: index(match.itemInternalId),
    },
  };
};

/**
 * The field values of a header line (one line, without its line break), read as the OMS's CSV reader reads a line
 * (csv-parse with `relax_quotes`): a leading byte order mark dropped; fields cut at commas; a field that opens with
 * a quote runs to its closing quote, `""` inside it standing for one quote; a closing quote followed by anything but
 * a comma or the line's end makes the field literal text (`"a"b` reads `"a"b`); a quote anywhere else is a literal
 * character. Undefined when a quoted field does not close on the line: the header is one line, a line break in a
 * header name is not a header the contract knows. Values are not trimmed (matchColumn trims them).
 */
export const exportHeaderFields = (line: string): ReadonlyArray<string> | undefined => {
  const text = line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
  const fields: string[] = [];
  let at = 0;
  for (;;) {
    let next: number;
    if (text.charCodeAt(at) === 34) {
      let value = '';
      let from = at + 1;
      for (;;) {
        const close = text.indexOf('"', from);
        if (close === -1) return undefined;
        value += text.slice(from, close);
        if (text.charCodeAt(close + 1) === 34) {
          value += '"';
          from = close + 2;
          continue;
        }
        next = close + 1;
        if (next < text.length && text.charCodeAt(next) !== 44) {
          const comma = text.indexOf(',', next);
          const end = comma === -1 ? text.length : comma;
          value = `"${value}"${text.slice(next, end)}`;
          next = end;
        }
        break;
      }
      fields.push(value);
    } else {
      const comma = text.indexOf(',', at);
      next = comma === -1 ? text.length : comma;
      fields.push(text.slice(at, next));
    }
    if (next >= text.length) return fields;
    at = next + 1;
  }
};
