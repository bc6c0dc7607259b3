import { useState } from 'preact/hooks';
import { Button } from '../../../ui/Button';
import { Notice } from '../../../ui/Notice';
import type { Showroom } from '../../../app/financier-api';
import { describeError } from '../../../app/messages';
import { fin } from '../../state';
import { ShowroomForm } from '../ShowroomForm';
import './ShowroomCard.css';

/** ShowroomCard shows one showroom; an administrator can edit it or take it out of the network. */
export function ShowroomCard({
  showroom: s,
  editable,
  onSaved,
  onRemoved,
}: {
  showroom: Showroom;
  editable: boolean;
  onSaved: (s: Showroom) => void;
  onRemoved: (s: Showroom) => void;
}) {
  const [mode, setMode] = useState<'view' | 'edit' | 'confirm'>('view');
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);
  const headingId = `showroom-${s.id}`;

  async function remove() {
    setBusy(true);
    setFailure(undefined);
    try {
      await fin.removeShowroom(s.id);
      onRemoved(s);
    } catch (err) {
      setFailure(describeError(err));
      setBusy(false);
    }
  }

  return (
    <article class="kt-card kt-showroom" aria-labelledby={headingId}>
      <h4 id={headingId} class="kt-showroom__name">
        {s.name} <span class="kt-showroom__code">{s.code}</span>
      </h4>
      {mode === 'edit' ? (
        <ShowroomForm
          showroom={s}
          onSaved={(saved) => {
            setMode('view');
            onSaved(saved);
          }}
          onCancel={() => setMode('view')}
        />
      ) : (
        <>
          <dl class="kt-showroom__facts">
            <div>
              <dt>Address</dt>
              <dd>
                {s.address_line1}, {s.town} {s.postcode}
                {s.region && <span class="kt-showroom__region">{s.region}</span>}
              </dd>
            </div>
            <div>
              <dt>Opening hours</dt>
              <dd>
                <ul class="kt-showroom__lines">
                  {s.opening_hours.split(';').map((part) => (
                    <li key={part}>{part.trim()}</li>
                  ))}
                </ul>
              </dd>
            </div>
            {(s.phone || s.email) && (
              <div>
                <dt>Contact</dt>
                <dd>
                  <ul class="kt-showroom__lines">
                    {[s.phone, s.email].filter(Boolean).map((v) => (
                      <li key={v}>{v}</li>
                    ))}
                  </ul>
                </dd>
              </div>
            )}
            {s.principal_name && (
              <div>
                <dt>Dealer principal</dt>
                <dd>
                  <ul class="kt-showroom__lines">
                    {[s.principal_name, s.principal_email, s.principal_phone].filter(Boolean).map((v) => (
                      <li key={v}>{v}</li>
                    ))}
                  </ul>
                </dd>
              </div>
            )}
          </dl>
          {failure && <Notice tone="error">{failure}</Notice>}
          {editable && mode === 'view' && (
            <div class="kt-actions">
              <Button variant="secondary" onClick={() => setMode('edit')} aria-describedby={headingId}>
                Edit
              </Button>
              <Button variant="danger" onClick={() => setMode('confirm')} aria-describedby={headingId}>
                Remove
              </Button>
            </div>
          )}
          {editable && mode === 'confirm' && (
            <div class="kt-showroom__confirm" role="group" aria-label={`Remove ${s.name}?`}>
              <p>
                Remove <strong>{s.name}</strong> from your network? Customers will no longer be sent there. The showroom
                itself stays, and you can add it back with its code.
              </p>
              <div class="kt-actions">
                <Button variant="danger" busy={busy} onClick={() => void remove()}>
                  Yes, remove {s.code}
                </Button>
                <Button variant="secondary" onClick={() => setMode('view')}>
                  Keep it
                </Button>
              </div>
            </div>
          )}
        </>
      )}
    </article>
  );
}
