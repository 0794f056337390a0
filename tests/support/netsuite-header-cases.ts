// The header rule's cases (src/domain/netsuite-export-contract.ts), one table for both sides: the CSV reader's tests
// and the upload SuiteScript's tests each run every case, so the OMS holds back exactly the headers the SuiteScript
// refuses to upload.

/** A header, a data row under it, and what the contract makes of them. */
export interface HeaderCase {
  readonly name: string;
  /** The file's text up to and including the header line's line break. */
  readonly header: string;
  /** One data row (item `ITEM-1`, location `101`, item internal id `9001`), without its line break. */
  readonly row: string;
  /**
   * `quantity`: the file is read and the row's quantity is this (so which column was taken shows); `problems`: the
   * file is held back by the OMS and refused by the SuiteScript for these, in contract order.
   */
  readonly expected: { readonly quantity: number } | { readonly problems: ReadonlyArray<string> };
}

const ambiguous = (name: string): string => `${name} (ambiguous: more than one column has this name)`;

export const HEADER_CASES: ReadonlyArray<HeaderCase> = [
  {
    name: 'the contract as the saved search prints it',
    header: 'Item,externalFacilityId,availableQty,idValue\n',
    row: 'ITEM-1,101,5,9001',
    expected: { quantity: 5 },
  },
  {
    name: 'an exact duplicate is ambiguous',
    header: 'Item,externalFacilityId,availableQty,availableQty,idValue\n',
    row: 'ITEM-1,101,5,6,9001',
    expected: { problems: [ambiguous('availableQty')] },
  },
  {
    name: 'an exact duplicate once trimmed is ambiguous',
    header: 'Item,externalFacilityId,availableQty, availableQty ,idValue\n',
    row: 'ITEM-1,101,5,6,9001',
    expected: { problems: [ambiguous('availableQty')] },
  },
  {
    name: 'a case-folded duplicate (no exact match) is ambiguous',
    header: 'Item,externalFacilityId,availableqty,AVAILABLEQTY,idValue\n',
    row: 'ITEM-1,101,5,6,9001',
    expected: { problems: [ambiguous('availableQty')] },
  },
  {
    name: 'an exact match beside a case-folded variant: the exact one wins',
    header: 'Item,externalFacilityId,AvailableQty,availableQty,idValue\n',
    row: 'ITEM-1,101,5,6,9001',
    expected: { quantity: 6 },
  },
  {
    name: 'two exact matches beside a case-folded variant: still ambiguous',
    header: 'Item,externalFacilityId,availableQty,AVAILABLEQTY,availableQty,idValue\n',
    row: 'ITEM-1,101,5,6,7,9001',
    expected: { problems: [ambiguous('availableQty')] },
  },
  {
    name: 'one match ignoring case is found',
    header: 'ITEM,EXTERNALFACILITYID,AVAILABLEQTY,IDVALUE\n',
    row: 'ITEM-1,101,5,9001',
    expected: { quantity: 5 },
  },
  {
    name: 'padding (blanks, a tab, a no-break space, quoted blanks) is trimmed',
    header: ' Item ,"externalFacilityId ",\tavailableQty\u00a0, idValue \n',
    row: 'ITEM-1,101,5,9001',
    expected: { quantity: 5 },
  },
  {
    name: 'a byte order mark and quoted names, CRLF',
    header: '\ufeff"Item","externalFacilityId","availableQty","idValue"\r\n',
    row: 'ITEM-1,101,5,9001',
    expected: { quantity: 5 },
  },
  {
    name: 'extra columns in any order, one with a quoted comma, one with a stray quote',
    header: 'idValue,"Memo, long",Class 12" pipe,availableQty,Item,externalFacilityId\n',
    row: '9001,memo,class,5,ITEM-1,101',
    expected: { quantity: 5 },
  },
  {
    name: 'blank lines before the header',
    header: '\n  \nItem,externalFacilityId,availableQty,idValue\n',
    row: 'ITEM-1,101,5,9001',
    expected: { quantity: 5 },
  },
  {
    name: 'a renamed column is missing',
    header: 'Item,Location,availableQty,idValue\n',
    row: 'ITEM-1,101,5,9001',
    expected: { problems: ['externalFacilityId'] },
  },
  {
    name: 'missing and ambiguous together, in contract order',
    header: 'Qty,idvalue,IDVALUE,Item\n',
    row: '5,9001,9001,ITEM-1',
    expected: { problems: ['externalFacilityId', 'availableQty', ambiguous('idValue')] },
  },
  {
    name: 'a quoted header name spanning lines: the header is one line, so no header',
    header: '"Item\nname",Item,externalFacilityId,availableQty,idValue\n',
    row: 'x,ITEM-1,101,5,9001',
    expected: { problems: ['Item', 'externalFacilityId', 'availableQty', 'idValue'] },
  },
  {
    name: 'a quote that does not close on the header line: no header',
    header: '"Item,externalFacilityId,availableQty,idValue\n',
    row: 'ITEM-1,101,5,9001',
    expected: { problems: ['Item', 'externalFacilityId', 'availableQty', 'idValue'] },
  },
];
