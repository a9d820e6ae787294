import { Table } from '@mantine/core';
import type { ReactNode } from 'react';

export type Column<T> = { key: string; header: ReactNode; width?: number | string; cell: (row: T) => ReactNode; visibleFrom?: 'sm' | 'md' };

/** A bordered, scrollable table with consistent headers; rows may open something on click or Enter. */
export function DataTable<T>({ rows, columns, rowKey, onOpen, label, minWidth = 640, rowLabel }: { rows: T[]; columns: Column<T>[]; rowKey: (r: T) => string; onOpen?: (r: T) => void; label: string; minWidth?: number; rowLabel?: (r: T) => string }) {
  return (
    <div className="cst-table-wrap">
      <Table.ScrollContainer minWidth={minWidth}>
        <Table aria-label={label}>
          <Table.Thead>
            <Table.Tr>
              {columns.map((c) => (
                <Table.Th key={c.key} w={c.width}>
                  {c.header}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr
                key={rowKey(r)}
                className={onOpen ? 'cst-row-link' : undefined}
                tabIndex={onOpen ? 0 : undefined}
                aria-label={onOpen && rowLabel ? rowLabel(r) : undefined}
                onClick={onOpen ? () => onOpen(r) : undefined}
                onKeyDown={
                  onOpen
                    ? (e) => {
                        if (e.key === 'Enter' || e.key === ' ') {
                          e.preventDefault();
                          onOpen(r);
                        }
                      }
                    : undefined
                }
              >
                {columns.map((c) => (
                  <Table.Td key={c.key}>{c.cell(r)}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </div>
  );
}
