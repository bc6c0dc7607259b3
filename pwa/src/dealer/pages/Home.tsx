import { useEffect, useState } from 'preact/hooks';
import { Notice } from '../../ui/Notice';
import { roleName } from '../../app/format';
import { describeError } from '../../app/messages';
import { Frame } from '../../staff/Frame';
import { overview, store } from '../state';

/** Home is the dealer console's start: who is signed in and their locations. */
export function Home() {
  const subject = store.session.value!.subject;
  const [failure, setFailure] = useState<string>();
  useEffect(() => {
    store.api
      .dealerOverview()
      .then((o) => {
        overview.value = o;
      })
      .catch((err: unknown) => setFailure(describeError(err)));
  }, []);
  const o = overview.value;
  const name = o?.dealer_group.name ?? subject.dealer_group?.name ?? 'Your dealership';
  return (
    <Frame title={name}>
      <p>
        Signed in as <strong>{subject.name}</strong>, {roleName(subject.role)}.
      </p>
      {failure && <Notice tone="error">{failure}</Notice>}
      <h2>Your locations</h2>
      {!o ? (
        !failure && <p role="status">Loading your locations…</p>
      ) : o.locations.length === 0 ? (
        <p>You have no locations yet. Ask your dealer principal to add you to one.</p>
      ) : (
        <ul class="kt-grid">
          {o.locations.map((l) => (
            <li key={l.id} class="kt-card">
              <h3>{l.name}</h3>
              <dl class="kt-facts">
                <dt>Town</dt>
                <dd>{l.town}</dd>
                <dt>Postcode</dt>
                <dd>{l.postcode}</dd>
                <dt>Location code</dt>
                <dd>{l.code}</dd>
              </dl>
            </li>
          ))}
        </ul>
      )}
    </Frame>
  );
}
