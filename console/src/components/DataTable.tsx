import { Table, type TableTdProps, type TableTrProps } from '@mantine/core';
import type { KeyboardEvent, MouseEvent, ReactNode } from 'react';

export type Column<T> = {
  key: string;
  header: ReactNode;
  width?: number | string;
  cell: (row: T) => ReactNode;
  /** Hides the column (header and cells) below this breakpoint, for phone widths. */
  visibleFrom?: 'sm' | 'md';
  /** Props of every body cell of the column (font size, family…), so cells need no wrapper. */
  cellProps?: TableTdProps;
};

/** Extra props of one body row (selection, current row, focus tracking, data attributes); the click and key handlers stay the table's. */
export type RowProps = Omit<TableTrProps, 'onClick' | 'onKeyDown' | 'tabIndex' | 'className'> & { [data: `data-${string}`]: string | undefined };

export type DataTableProps<T> = {
  rows: T[];
  columns: Column<T>[];
  rowKey: (r: T) => string;
  /** Makes rows open something on click, Enter or Space (and focusable). */
  onOpen?: (r: T) => void;
  label: string;
  minWidth?: number;
  rowLabel?: (r: T) => string;
  rowProps?: (r: T) => RowProps;
  highlightOnHover?: boolean;
  testId?: string;
};

// Links, buttons and form controls inside a clickable row do their own thing; the row does not open too.
const CONTROLS = 'a, button, input, label, select, textarea';

function fromControl(e: MouseEvent<HTMLElement> | KeyboardEvent<HTMLElement>): boolean {
  const hit = (e.target as Element).closest(CONTROLS);
  return hit !== null && e.currentTarget.contains(hit);
}

/** A bordered, scrollable table with consistent headers; rows may open something on click or Enter. */
export function DataTable<T>({ rows, columns, rowKey, onOpen, label, minWidth = 640, rowLabel, rowProps, highlightOnHover, testId }: DataTableProps<T>) {
  return (
    <div className="cst-table-wrap">
      <Table.ScrollContainer minWidth={minWidth}>
        <Table aria-label={label} data-testid={testId} highlightOnHover={highlightOnHover}>
          <Table.Thead>
            <Table.Tr>
              {columns.map((c) => (
                <Table.Th key={c.key} w={c.width} visibleFrom={c.visibleFrom}>
                  {c.header}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr
                key={rowKey(r)}
                aria-label={onOpen && rowLabel ? rowLabel(r) : undefined}
                {...rowProps?.(r)}
                className={onOpen ? 'cst-row-link' : undefined}
                tabIndex={onOpen ? 0 : undefined}
                onClick={
                  onOpen
                    ? (e) => {
                        if (!fromControl(e)) onOpen(r);
                      }
                    : undefined
                }
                onKeyDown={
                  onOpen
                    ? (e) => {
                        if ((e.key === 'Enter' || e.key === ' ') && !fromControl(e)) {
                          e.preventDefault();
                          onOpen(r);
                        }
                      }
                    : undefined
                }
              >
                {columns.map((c) => (
                  <Table.Td key={c.key} visibleFrom={c.visibleFrom} {...c.cellProps}>
                    {c.cell(r)}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </div>
  );
}
