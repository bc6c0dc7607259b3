import { useEffect, useRef, useState } from 'preact/hooks';
import { AppLink } from '../../ui/AppLink';
import { Button } from '../../ui/Button';
import { DropZone } from '../../ui/DropZone';
import { Notice } from '../../ui/Notice';
import { Progress } from '../../ui/Progress';
import { Tag } from '../../ui/Tag';
import { download } from '../../app/download';
import { IMPORT_TEMPLATE, type ImportView, type ProgressEvent } from '../../app/financier-api';
import { ApiError } from '../../app/errors';
import { formatDateTime } from '../../app/format';
import { describeError } from '../../app/messages';
import { idParam } from '../../app/query';
import { follow } from '../../app/sse';
import { Frame } from '../../staff/Frame';
import { ImportReport } from '../components/ImportReport';
import { barOf, isFinal, readProgress, STATUS_WORDS } from '../imports/progress';
import { fin, search } from '../state';

const count = new Intl.NumberFormat('en-GB');

const TONE = { receiving: 'info', queued: 'info', running: 'info', done: 'success', refused: 'error', failed: 'error' } as const;

/** Imports loads agreement files and lists past loads; imports?id=N is one load's report. */
export function Imports() {
  const id = idParam(search.value);
  return id ? <ImportPage key={id} id={id} /> : <ImportList />;
}

function ImportList() {
  const [past, setPast] = useState<ImportView[] | null>(null);
  const [failure, setFailure] = useState<string>();

  async function reload() {
    try {
      setPast((await fin.imports()).imports);
    } catch (err) {
      setFailure(describeError(err));
    }
  }
  useEffect(() => {
    void reload();
  }, []);

  return (
    <Frame title="Load agreements">
      <p>
        Load your customers and their agreements from a CSV file with the template's columns. Loading the same file again
        changes nothing; a file with changes updates only what changed.
      </p>
      <p class="kt-links">
        <a
          href={`/api/v1${IMPORT_TEMPLATE}`}
          download="agreements-template.csv"
          onClick={(e) => {
            e.preventDefault();
            download(fin.api, IMPORT_TEMPLATE, 'agreements-template.csv').catch((err: unknown) => setFailure(describeError(err)));
          }}
        >
          Download the agreements template (CSV)
        </a>
      </p>
      {failure && <Notice tone="error">{failure}</Notice>}
      <Upload onFinished={() => void reload()} />
      <h2>Past loads</h2>
      {past === null ? (
        !failure && <p role="status">Loading the list…</p>
      ) : past.length === 0 ? (
        <p>No files loaded yet.</p>
      ) : (
        <div class="kt-table-wrap" role="region" aria-labelledby="past-caption" tabIndex={0}>
          <table class="kt-table kt-table--compact">
            <caption id="past-caption" class="kt-visually-hidden">
              Past loads, newest first
            </caption>
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Status</th>
                <th scope="col" class="kt-num">
                  Rows
                </th>
                <th scope="col" class="kt-num">
                  Added
                </th>
                <th scope="col" class="kt-num">
                  Updated
                </th>
                <th scope="col" class="kt-num">
                  Rejected
                </th>
              </tr>
            </thead>
            <tbody>
              {past.map((imp) => (
                <tr key={imp.id}>
                  <td>
                    <AppLink to={`imports?id=${imp.id}`}>{imp.file_name || `Load ${imp.id}`}</AppLink>
                    <span class="kt-cell-note">{formatDateTime(new Date(imp.created_at))}</span>
                  </td>
                  <td>
                    <Tag tone={TONE[imp.status]}>{STATUS_WORDS[imp.status]}</Tag>
                  </td>
                  <td class="kt-num">{count.format(imp.rows)}</td>
                  <td class="kt-num">{count.format(imp.inserted)}</td>
                  <td class="kt-num">{count.format(imp.updated)}</td>
                  <td class="kt-num">{count.format(imp.rejected_count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Frame>
  );
}

/** Upload sends a file, follows the load's progress live, and shows its report. */
function Upload({ onFinished }: { onFinished: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string>();
  const [failure, setFailure] = useState<string>();
  const [phase, setPhase] = useState<'idle' | 'uploading' | 'following' | 'finished'>('idle');
  const [progress, setProgress] = useState<ProgressEvent | null>(null);
  const [report, setReport] = useState<ImportView | null>(null);
  const stop = useRef<AbortController | null>(null);

  useEffect(() => () => stop.current?.abort(), []);

  async function submit(e: Event) {
    e.preventDefault();
    setFailure(undefined);
    setReport(null);
    setProgress(null);
    if (!file) {
      setError('Choose the file to load.');
      return;
    }
    setError(undefined);
    setPhase('uploading');
    let queued: ImportView;
    try {
      queued = await fin.uploadAgreements(file);
    } catch (err) {
      setPhase('idle');
      if (err instanceof ApiError && (err.is('validation') || err.is('payload-too-large') || err.is('unsupported-media-type'))) {
        const column = err.errors[0]?.field;
        const named = column && !['file', 'header'].includes(column) ? ` (column ${column})` : '';
        setError(`${err.detail || describeError(err)}${named} Nothing was changed.`);
        if (typeof err.body.import_id === 'number') onFinished();
      } else {
        setFailure(describeError(err));
      }
      return;
    }
    setProgress({ ...queued });
    setPhase('following');
    stop.current?.abort();
    const ctl = new AbortController();
    stop.current = ctl;
    try {
      await follow(
        fin.api,
        `/imports/${queued.id}/events`,
        (m) => {
          const p = readProgress(m);
          if (p) setProgress(p);
        },
        { signal: ctl.signal, isLast: (m) => isFinal(readProgress(m)?.status ?? 'running') },
      );
      if (ctl.signal.aborted) return;
      setReport(await fin.importStatus(queued.id));
      setPhase('finished');
      onFinished();
    } catch (err) {
      if (ctl.signal.aborted) return;
      setFailure(`${describeError(err)} The load goes on without this page: see it under Past loads.`);
      setPhase('idle');
      onFinished();
    }
  }

  const bar = progress ? barOf(progress) : null;
  const busy = phase === 'uploading' || phase === 'following';
  return (
    <section class="kt-card kt-section" aria-labelledby="upload-heading">
      <h2 id="upload-heading">Load a file</h2>
      <form method="post" onSubmit={submit} noValidate>
        {failure && <Notice tone="error">{failure}</Notice>}
        <DropZone
          id="agreements-file"
          label="Agreements file"
          hint="CSV with the template's header row (or JSON lines). Dates as 2026-04-30 or 30/04/2026, money like 249.99."
          accept=".csv,text/csv,.jsonl,.ndjson"
          file={file}
          error={error}
          onFile={(f) => {
            setFile(f);
            setError(undefined);
          }}
        />
        <Button type="submit" busy={busy}>
          Load the file
        </Button>
      </form>
      {phase === 'uploading' && (
        <Progress id="import-progress" label="Sending the file" value={0} max={null} text="Sending the file to the server…" />
      )}
      {(phase === 'following' || phase === 'finished') && bar && (
        <Progress
          id="import-progress"
          label={`${phase === 'finished' ? 'Loaded' : 'Loading'} ${file?.name ?? 'the file'}`}
          value={bar.value}
          max={bar.max}
          text={bar.text}
        />
      )}
      <div role="status" class="kt-visually-hidden">
        {phase === 'finished' && report ? `Finished: ${STATUS_WORDS[report.status]}.` : ''}
      </div>
      {report && (
        <div class="kt-import-result">
          <h3>Report</h3>
          <ImportReport imp={report} />
          <p>
            <AppLink to={`imports?id=${report.id}`}>Open this report on its own page</AppLink>
          </p>
        </div>
      )}
    </section>
  );
}

/** ImportPage is one past load's report. */
function ImportPage({ id }: { id: number }) {
  const [imp, setImp] = useState<ImportView | null>(null);
  const [failure, setFailure] = useState<string>();
  useEffect(() => {
    fin
      .importStatus(id)
      .then(setImp)
      .catch((err: unknown) => setFailure(err instanceof ApiError && err.is('not-found') ? 'There is no such load.' : describeError(err)));
  }, [id]);
  return (
    <Frame title={imp ? `Load of ${imp.file_name || `file ${imp.id}`}` : 'Load report'}>
      <AppLink to="imports" class="kt-back">
        All loads
      </AppLink>
      {failure && <Notice tone="error">{failure}</Notice>}
      {!imp && !failure && <p role="status">Loading the report…</p>}
      {imp && (
        <>
          <p class="kt-campaign-status">
            <Tag tone={TONE[imp.status]}>{STATUS_WORDS[imp.status]}</Tag> <span>{formatDateTime(new Date(imp.created_at))}</span>
          </p>
          <ImportReport imp={imp} />
        </>
      )}
    </Frame>
  );
}
