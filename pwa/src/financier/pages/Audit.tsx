import { useEffect, useState } from 'preact/hooks';
import { AppLink } from '../../ui/AppLink';
import { Button } from '../../ui/Button';
import { Field, Select } from '../../ui/Field';
import { Notice } from '../../ui/Notice';
import { download } from '../../app/download';
import { AUDIT_EXPORT, auditQueryString, type AuditEntry, type AuditQuery } from '../../app/financier-api';
import { ApiError } from '../../app/errors';
import { formatDateTime } from '../../app/format';
import { describeError } from '../../app/messages';
import { useRouter } from '../../app/router';
import { Frame } from '../../staff/Frame';
import { actionName, AREAS, changesOf, queryOf, who } from '../audit/audit';
import { fin, search } from '../state';
import './Audit.css';

const OBJECTS = [
  { value: '', label: 'Any' },
  { value: 'campaign', label: 'Campaign' },
  { value: 'import', label: 'Agreements file' },
  { value: 'dealer_location', label: 'Showroom' },
  { value: 'staff_user', label: 'Staff member' },
  { value: 'customer', label: 'Customer' },
];

const ACTORS = [
  { value: '', label: 'Anyone' },
  { value: 'staff', label: 'Staff' },
  { value: 'customer', label: 'Customers' },
  { value: 'system', label: 'Keyturn (automatic)' },
];

/**
 * Audit is the financier's audit log: every staff action, newest first,
 * filtered by what, which object, who and when (the filters live in the
 * address bar), and exported as CSV with the same filters.
 */
export function Audit() {
  const router = useRouter();
  const query = queryOf(search.value);
  const key = auditQueryString(query);
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function load(cursor: string | null) {
    setBusy(true);
    setFailure(undefined);
    try {
      const page = await fin.audit(query, cursor);
      setEntries((prev) => (cursor ? [...(prev ?? []), ...page.entries] : page.entries));
      setNext(page.next_cursor);
    } catch (err) {
      setFailure(err instanceof ApiError && err.is('validation') ? err.errors.map((e) => e.message).join(' ') || describeError(err) : describeError(err));
      if (!cursor) setEntries([]);
    } finally {
      setBusy(false);
    }
  }

  useEffect(() => {
    setEntries(null);
    void load(null);
  }, [key]);

  return (
    <Frame title="Audit log">
      <p>
        Every action of your staff, newest first: who, when, from where, on what, and the fields it changed (with before
        and after for settings; personal details by name only). Nobody can change or delete an entry.
      </p>
      <Filters query={query} onApply={(q) => router.navigate(`audit${auditQueryString(q)}`)} />
      <p class="kt-links">
        <a
          href={`/api/v1${AUDIT_EXPORT}${key}`}
          download="audit-log.csv"
          onClick={(e) => {
            e.preventDefault();
            download(fin.api, `${AUDIT_EXPORT}${key}`, 'audit-log.csv').catch((err: unknown) => setFailure(describeError(err)));
          }}
        >
          Download {key ? 'these entries' : 'the whole log'} (CSV)
        </a>
      </p>
      {failure && <Notice tone="error">{failure}</Notice>}
      {entries === null ? (
        <p role="status">Loading the log…</p>
      ) : entries.length === 0 ? (
        !failure && <p role="status">No entries match.</p>
      ) : (
        <>
          <p role="status" class="kt-muted">
            {entries.length} {entries.length === 1 ? 'entry' : 'entries'}
            {next ? ' so far' : ''}.
          </p>
          <div class="kt-table-wrap" role="region" aria-labelledby="audit-caption" tabIndex={0}>
            {/* Explicit roles: on a phone the rows are laid out as cards,
                and a table that CSS displays as blocks loses its table
                semantics in some browsers unless the roles are stated. */}
            <table class="kt-table kt-table--compact kt-audit" role="table">
              <caption id="audit-caption" class="kt-visually-hidden">
                Audit log entries, newest first
              </caption>
              <thead role="rowgroup">
                <tr role="row">
                  <th scope="col" role="columnheader">
                    When
                  </th>
                  <th scope="col" role="columnheader">
                    Who
                  </th>
                  <th scope="col" role="columnheader">
                    What
                  </th>
                  <th scope="col" role="columnheader">
                    Changed
                  </th>
                </tr>
              </thead>
              <tbody role="rowgroup">
                {entries.map((e) => (
                  <Row key={e.id} entry={e} />
                ))}
              </tbody>
            </table>
          </div>
          {next && (
            <Button variant="secondary" busy={busy} onClick={() => void load(next)}>
              Show older entries
            </Button>
          )}
        </>
      )}
    </Frame>
  );
}

function Row({ entry: e }: { entry: AuditEntry }) {
  const changes = changesOf(e);
  const changedNames = e.fields.filter((f) => !changes.some((c) => c.field === f));
  return (
    <tr role="row">
      <td role="cell" data-label="When">
        <span class="kt-nowrap">{formatDateTime(new Date(e.at))}</span>
        {e.ip && <span class="kt-cell-note">from {e.ip}</span>}
      </td>
      <td role="cell" data-label="Who">
        {who(e)}
      </td>
      <td role="cell" data-label="What">
        <strong>{actionName(e.action)}</strong>
        <span class="kt-cell-note">
          {e.object_type === 'campaign' ? (
            <AppLink to={`campaigns?id=${encodeURIComponent(e.object_id)}`}>campaign {e.object_id}</AppLink>
          ) : e.object_type === 'import' ? (
            <AppLink to={`imports?id=${encodeURIComponent(e.object_id)}`}>file {e.object_id}</AppLink>
          ) : (
            `${e.object_type.replace(/_/g, ' ')} ${e.object_id}`
          )}
        </span>
        <span class="kt-cell-note kt-audit__code">{e.action}</span>
      </td>
      <td role="cell" data-label="Changed">
        {changes.length > 0 && (
          <ul class="kt-audit__changes">
            {changes.map((c) => (
              <li key={c.field}>
                <code class="kt-audit__field">{c.field}</code>: {c.before} → {c.after}
              </li>
            ))}
          </ul>
        )}
        {changedNames.length > 0 && <span class="kt-cell-note">{changedNames.join(', ')}</span>}
        {changes.length === 0 && changedNames.length === 0 && <span class="kt-muted">–</span>}
      </td>
    </tr>
  );
}

/** Filters is the log's filter form; applying it puts the filters in the address. */
function Filters({ query, onApply }: { query: AuditQuery; onApply: (q: AuditQuery) => void }) {
  const [q, setQ] = useState<AuditQuery>(query);
  useEffect(() => setQ(query), [auditQueryString(query)]);
  const set = (k: keyof AuditQuery) => (v: string) => setQ({ ...q, [k]: v });
  const areas = AREAS.some((a) => a.value === (q.action ?? '')) ? AREAS : [...AREAS, { value: q.action!, label: `Action: ${q.action}` }];
  return (
    <form
      method="post"
      class="kt-card kt-section kt-audit__filters"
      aria-label="Filter the audit log"
      onSubmit={(e) => {
        e.preventDefault();
        onApply(q);
      }}
      noValidate
    >
      <div class="kt-row">
        <Select id="audit-action" label="What" value={q.action ?? ''} options={areas} onValue={set('action')} />
        <Select id="audit-actor" label="Done by" value={q.actor_kind ?? ''} options={ACTORS} onValue={set('actor_kind')} />
      </div>
      <div class="kt-row">
        <Select id="audit-object-type" label="On" value={q.object_type ?? ''} options={OBJECTS} onValue={set('object_type')} />
        <Field id="audit-object-id" label="Its number (optional)" short inputMode="numeric" value={q.object_id ?? ''} onValue={set('object_id')} />
      </div>
      <div class="kt-row">
        <Field id="audit-from" label="From" type="date" short value={q.from ?? ''} onValue={set('from')} />
        <Field id="audit-to" label="To (inclusive)" type="date" short value={q.to ?? ''} onValue={set('to')} />
      </div>
      <div class="kt-actions">
        <Button type="submit" variant="secondary">
          Show entries
        </Button>
        {auditQueryString(query) && (
          <AppLink to="audit" class="kt-audit__clear">
            Clear the filters
          </AppLink>
        )}
      </div>
    </form>
  );
}
