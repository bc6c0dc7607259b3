import type { LineProblem } from '../../../app/financier-api';
import './LineReport.css';

const count = new Intl.NumberFormat('en-GB');

/** breakable lets a long column name wrap after its underscores, never inside a word. */
function breakable(name: string) {
  const parts = name.split('_');
  return parts.map((p, i) => (i < parts.length - 1 ? [p, '_', <wbr key={i} />] : p));
}

/**
 * LineReport lists the lines of a file that were rejected or warned about,
 * by line number (line 1 is the header, as in a spreadsheet), column and a
 * message for a person. Long reports show their first `limit` lines.
 */
export function LineReport({
  id,
  caption,
  problems,
  tone = 'error',
  limit = 200,
}: {
  id: string;
  caption: string;
  problems: LineProblem[];
  tone?: 'error' | 'warning';
  limit?: number;
}) {
  if (problems.length === 0) return null;
  const shown = problems.slice(0, limit);
  return (
    <div class={`kt-line-report kt-line-report--${tone}`}>
      <div class="kt-table-wrap" role="region" aria-labelledby={`${id}-caption`} tabIndex={0}>
        <table class="kt-table kt-line-report__table" id={id}>
          <caption id={`${id}-caption`} class="kt-line-report__caption">
            {caption} ({count.format(problems.length)})
          </caption>
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Column</th>
              <th scope="col">What to fix</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((p, i) => (
              <tr key={`${p.line}-${p.column}-${i}`}>
                <td class="kt-line-report__line">{p.line}</td>
                <td>{p.column ? <code class="kt-line-report__column">{breakable(p.column)}</code> : <span class="kt-muted">whole row</span>}</td>
                <td>{p.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {problems.length > shown.length && (
        <p class="kt-muted">
          Showing the first {count.format(shown.length)} of {count.format(problems.length)}. Fix these and load the file
          again to see the rest.
        </p>
      )}
    </div>
  );
}
