import { useEffect, useState } from 'preact/hooks';
import { Button } from '../../ui/Button';
import { DropZone } from '../../ui/DropZone';
import { Notice } from '../../ui/Notice';
import { Stats } from '../../ui/Stat';
import { download } from '../../app/download';
import { NETWORK_TEMPLATE, type NetworkImportSummary, type Showroom } from '../../app/financier-api';
import { ApiError } from '../../app/errors';
import { describeError } from '../../app/messages';
import { Frame } from '../../staff/Frame';
import { canEditNetwork } from '../access';
import { LineReport } from '../components/LineReport';
import { ShowroomCard } from '../components/ShowroomCard';
import { ShowroomForm } from '../components/ShowroomForm';
import { fin, network, store } from '../state';

const count = new Intl.NumberFormat('en-GB');

/** Network is the financier's dealer network: groups and showrooms; the administrator edits it. */
export function Network() {
  const subject = store.session.value!.subject;
  const editable = canEditNetwork(subject);
  const [failure, setFailure] = useState<string>();
  const [news, setNews] = useState<string>();
  const [adding, setAdding] = useState(false);

  async function reload() {
    try {
      network.value = (await fin.dealerNetwork()).groups;
    } catch (err) {
      setFailure(describeError(err));
    }
  }

  useEffect(() => {
    void reload();
  }, []);

  const groups = network.value;
  const total = groups?.reduce((n, g) => n + g.locations.length, 0) ?? 0;

  return (
    <Frame title="Dealer network">
      <p>
        The showrooms your customers are sent to, by dealer group.
        {editable ? ' You can add, edit and remove showrooms, or load them from a file.' : ' Your administrator keeps this list.'}
      </p>
      {news && <Notice tone="success">{news}</Notice>}
      {failure && <Notice tone="error">{failure}</Notice>}
      {editable && (
        <>
          <section class="kt-card kt-section" aria-labelledby="add-heading">
            <h2 id="add-heading">New showroom</h2>
            {adding ? (
              <ShowroomForm
                onSaved={(s) => {
                  setAdding(false);
                  setNews(`${s.name} (${s.code}) is in your network.`);
                  void reload();
                }}
                onCancel={() => setAdding(false)}
              />
            ) : (
              <Button variant="secondary" onClick={() => setAdding(true)}>
                Add a showroom
              </Button>
            )}
          </section>
          <NetworkUpload
            onLoaded={() => {
              void reload();
            }}
          />
        </>
      )}
      <h2>Showrooms{groups ? ` (${count.format(total)})` : ''}</h2>
      {groups === null ? (
        !failure && <p role="status">Loading the network…</p>
      ) : groups.length === 0 ? (
        <p>No showrooms yet.</p>
      ) : (
        groups.map((g) => (
          <section key={g.id} class="kt-network-group" aria-labelledby={`group-${g.id}`}>
            <h3 id={`group-${g.id}`}>
              {g.name} <span class="kt-muted">({g.locations.length})</span>
            </h3>
            <ul class="kt-grid">
              {g.locations.map((s) => (
                <li key={s.id}>
                  <ShowroomCard
                    showroom={s}
                    editable={editable}
                    onSaved={(saved: Showroom) => {
                      setNews(`${saved.name} is saved.`);
                      void reload();
                    }}
                    onRemoved={(gone) => {
                      setNews(`${gone.name} (${gone.code}) is no longer in your network.`);
                      void reload();
                    }}
                  />
                </li>
              ))}
            </ul>
          </section>
        ))
      )}
    </Frame>
  );
}

/** NetworkUpload loads showrooms from a CSV file and reports each line it could not use. */
function NetworkUpload({ onLoaded }: { onLoaded: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string>();
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [summary, setSummary] = useState<NetworkImportSummary | null>(null);

  async function submit(e: Event) {
    e.preventDefault();
    setFailure(undefined);
    setSummary(null);
    if (!file) {
      setError('Choose the CSV file to load.');
      return;
    }
    setError(undefined);
    setBusy(true);
    try {
      setSummary(await fin.importNetwork(file));
      onLoaded();
    } catch (err) {
      if (err instanceof ApiError && err.is('validation')) {
        setError([err.detail, err.fieldMessage('file')].filter(Boolean).join(' '));
      } else {
        setFailure(describeError(err));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="kt-card kt-section" aria-labelledby="network-file-heading">
      <h2 id="network-file-heading">Load showrooms from a file</h2>
      <p>
        One showroom a row, with the template's columns. A showroom is matched by its code: a new code adds it, a known
        one updates it. Rows with mistakes are listed by line and the rest still load.
      </p>
      <p class="kt-links">
        <a
          href={`/api/v1${NETWORK_TEMPLATE}`}
          download="dealer-network-template.csv"
          onClick={(e) => {
            e.preventDefault();
            download(fin.api, NETWORK_TEMPLATE, 'dealer-network-template.csv').catch((err: unknown) =>
              setFailure(describeError(err)),
            );
          }}
        >
          Download the dealer network template (CSV)
        </a>
      </p>
      <form method="post" onSubmit={submit} noValidate>
        {failure && <Notice tone="error">{failure}</Notice>}
        <DropZone
          id="network-file"
          label="Dealer network file"
          hint="A .csv file saved from the template."
          accept=".csv,text/csv"
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
      {summary && (
        <div class="kt-network-report">
          <Notice tone={summary.rejected.length ? 'warning' : 'success'}>
            {`The file is loaded: ${count.format(summary.inserted)} added, ${count.format(summary.updated)} updated, ${count.format(summary.unchanged)} unchanged`}
            {summary.rejected.length ? `, ${count.format(summary.rejected.length)} rows not loaded.` : '.'}
          </Notice>
          <h3>What the file changed</h3>
          <Stats
            label="Dealer network file"
            items={[
              { label: 'Rows', value: summary.rows },
              { label: 'Added', value: summary.inserted },
              { label: 'Updated', value: summary.updated },
              { label: 'Unchanged', value: summary.unchanged },
            ]}
          />
          {summary.rejected.length === 0 ? (
            <p>Every row loaded.</p>
          ) : (
            <LineReport id="network-rejected" caption="Rows not loaded" problems={summary.rejected} />
          )}
        </div>
      )}
    </section>
  );
}
