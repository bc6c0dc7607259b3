import { Notice } from '../../ui/Notice';
import { formatDateTime } from '../../app/format';
import { Button } from '../../ui/Button';
import { describeError } from '../../app/messages';
import { loadError, loadOverview, offlineSince, overview } from '../state';
import { AgreementCard } from '../components/AgreementCard';
import { Frame } from './Frame';

/** Home is the signed-in start screen: the customer's agreements. */
export function Home() {
  const o = overview.value;
  if (!o) {
    const error = loadError.value;
    return (
      <Frame title="Your agreements">
        {error ? (
          <>
            <Notice tone="error">{error}</Notice>
            <Button
              onClick={() => {
                loadError.value = null;
                loadOverview().catch((err: unknown) => {
                  loadError.value = describeError(err);
                });
              }}
            >
              Try again
            </Button>
          </>
        ) : (
          <p role="status">Loading your agreements…</p>
        )}
      </Frame>
    );
  }
  const since = offlineSince.value;
  return (
    <Frame title={`Hello, ${o.customer.first_name}`}>
      {since && (
        <Notice tone="warning" title="You are offline">
          <p>This is what you saw on {formatDateTime(new Date(since))}. It will update when you are back online.</p>
        </Notice>
      )}
      <p>
        Your {o.agreements.length === 1 ? 'agreement' : 'agreements'} with {o.financier.name}.
      </p>
      {o.agreements.length === 0 ? (
        <p>There are no agreements to show. If that seems wrong, talk to a person using the link at the top.</p>
      ) : (
        <ul class="kt-grid">
          {o.agreements.map((a) => (
            <li key={a.id}>
              <AgreementCard agreement={a} />
            </li>
          ))}
        </ul>
      )}
    </Frame>
  );
}
