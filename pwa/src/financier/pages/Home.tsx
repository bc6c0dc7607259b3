import { useEffect, useState } from 'preact/hooks';
import { Notice } from '../../ui/Notice';
import { Stats } from '../../ui/Stat';
import { roleName } from '../../app/format';
import { describeError } from '../../app/messages';
import { Frame } from '../../staff/Frame';
import { overview, store } from '../state';

/** Home is the financier console's start: who is signed in, and the book in numbers. */
export function Home() {
  const subject = store.session.value!.subject;
  const [failure, setFailure] = useState<string>();
  useEffect(() => {
    store.api
      .financierOverview()
      .then((o) => {
        overview.value = o;
      })
      .catch((err: unknown) => setFailure(describeError(err)));
  }, []);
  const o = overview.value;
  const name = o?.financier.name ?? subject.financier?.name ?? 'Your finance company';
  return (
    <Frame title={name}>
      <p>
        Signed in as <strong>{subject.name}</strong>, {roleName(subject.role)}.
      </p>
      {failure && <Notice tone="error">{failure}</Notice>}
      {o ? (
        <Stats
          label="Your book"
          items={[
            { label: 'Customers', value: o.counts.customers },
            { label: 'Agreements', value: o.counts.agreements },
            { label: 'Ending within 90 days', value: o.counts.agreements_ending_within_90_days },
            { label: 'Dealer locations', value: o.counts.dealer_locations },
          ]}
        />
      ) : (
        !failure && <p role="status">Loading your numbers…</p>
      )}
    </Frame>
  );
}
