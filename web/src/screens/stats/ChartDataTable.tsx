// A chart's numbers as a table for screen readers (the canvas itself is only an image with a summary).
interface Props {
  caption: string;
  rowHeader: string;
  columns: string[];
  rows: { key: string; header: string; cells: string[] }[];
}

export function ChartDataTable({ caption, rowHeader, columns, rows }: Props) {
  return (
    // The wrapper hides it: a table ignores the width and overflow that visually-hidden relies on.
    <div className="visually-hidden">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr><th scope="col">{rowHeader}</th>{columns.map((c) => <th key={c} scope="col">{c}</th>)}</tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}><th scope="row">{r.header}</th>{r.cells.map((c, i) => <td key={i}>{c}</td>)}</tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
