/**
 * The CSV contract between NetSuite and the OMS importer: the header row the SuiteScripts' saved search prints and
 * the columns the importer reads by default. One definition, used by both sides (src/suitescript and
 * src/application/inventory-export.ts), so that neither can drift. Dependency-free on purpose: the SuiteScript
 * bundle inlines this file, and nothing else of the domain, into the code that runs inside NetSuite.
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

/** The header row in the order the saved search prints it. */
export const NETSUITE_EXPORT_HEADER: ReadonlyArray<string> = [
  NETSUITE_EXPORT_COLUMNS.item,
  NETSUITE_EXPORT_COLUMNS.location,
  NETSUITE_EXPORT_COLUMNS.quantity,
  NETSUITE_EXPORT_COLUMNS.itemInternalId,
];

/** The header row as one CSV line (no line break). */
export const NETSUITE_EXPORT_HEADER_LINE: string = NETSUITE_EXPORT_HEADER.join(',');

/**
 * The contract columns missing from a header line, matched as the importer matches them: trimmed, ignoring case,
 * in any order, extra columns allowed, a leading byte order mark ignored. Empty when the header satisfies the contract.
 */
export const missingExportColumns = (
  headerLine: string,
  columns: NetSuiteExportColumns = NETSUITE_EXPORT_COLUMNS,
): ReadonlyArray<string> => {
  const names = headerLine
    .replace(/^\uFEFF/, '')
    .split(',')
    .map((field) =>
      field
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .trim()
        .toLowerCase(),
    );
  return [columns.item, columns.location, columns.quantity, columns.itemInternalId].filter(
    (name) => !names.includes(name.trim().toLowerCase()),
  );
};
