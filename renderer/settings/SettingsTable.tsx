import type { ReactNode } from 'react';

/** A settings list as a table with these column headings (an empty heading for a button column). */
export function SettingsTable({ columns, children }: { columns: readonly string[]; children: ReactNode }) {
  return (
    <table className="runs-table">
      <thead>
        <tr>
          {columns.map((column, index) => (
            <th key={index}>{column}</th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
