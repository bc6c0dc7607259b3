import { Notice } from '../../../ui/Notice';
import { Stats } from '../../../ui/Stat';
import type { ImportView } from '../../../app/financier-api';
import { LineReport } from '../LineReport';

const count = new Intl.NumberFormat('en-GB');

/**
 * ImportReport is what an agreements file did: rows read, agreements added,
 * updated and unchanged, and each rejected row and warning by line (line 1
 * is the header) and column, or why the whole file was refused.
 */
export function ImportReport({ imp }: { imp: ImportView }) {
  if (imp.status === 'refused') {
    return (
      <Notice tone="error" title="The file was refused: nothing was changed">
        <p>
          {imp.refusal?.message ?? 'The file could not be read as an agreements file.'}
          {imp.refusal?.column && (
            <>
              {' '}
              (column <code class="kt-code">{imp.refusal.column}</code>)
            </>
          )}
        </p>
      </Notice>
    );
  }
  return (
    <div class="kt-import-report">
      {imp.status === 'failed' && (
        <Notice tone="error" title="The load stopped with an error">
          <p>What was loaded before the error stays loaded. Loading the same file again finishes the job: rows already in are reported unchanged.</p>
        </Notice>
      )}
      <Stats
        label="What the file did"
        items={[
          { label: 'Rows read', value: imp.rows },
          { label: 'Agreements added', value: imp.inserted },
          { label: 'Updated', value: imp.updated },
          { label: 'Unchanged', value: imp.unchanged },
          { label: 'Rows rejected', value: imp.rejected_count },
          { label: 'Warnings', value: imp.warnings_count },
        ]}
      />
      {imp.rejected_count === 0 ? (
        <p>No row was rejected.</p>
      ) : (
        <>
          <p>
            Rejected rows were not loaded; every other row was. Fix them in your file and load it again: the rows already
            in are reported as unchanged.
          </p>
          <LineReport id={`import-${imp.id}-rejected`} caption="Rejected rows" problems={imp.rejected} limit={1000} />
          {imp.rejected_count > imp.rejected.length && (
            <p class="kt-muted">
              The first {count.format(imp.rejected.length)} of {count.format(imp.rejected_count)} are listed.
            </p>
          )}
        </>
      )}
      {imp.warnings_count > 0 && (
        <>
          <p>Warnings did not stop a row: it loaded, as the warning says.</p>
          <LineReport id={`import-${imp.id}-warnings`} caption="Warnings" problems={imp.warnings} tone="warning" limit={1000} />
        </>
      )}
    </div>
  );
}
