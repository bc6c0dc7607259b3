import { useEffect, useState } from 'preact/hooks';
import { Button } from '../../../ui/Button';
import { Notice } from '../../../ui/Notice';
import { RepresentativeExample } from '../../../ui/RepresentativeExample';
import { TextArea } from '../../../ui/TextArea';
import type { CampaignView, Checklist } from '../../../app/financier-api';
import { ApiError } from '../../../app/errors';
import { formatDate, formatMoney, productName } from '../../../app/format';
import { describeError } from '../../../app/messages';
import { describeAudience } from '../../campaign/audience-form';
import { describeTiming } from '../../campaign/journey';
import { whyNoApproval } from '../../campaign/status';
import { fin, store } from '../../state';
import './ApprovalPanel.css';

const count = new Intl.NumberFormat('en-GB');

/** Mark is a checklist verdict in words and a sign. */
function Mark({ ok, children }: { ok: boolean; children: string }) {
  return <span class={`kt-mark ${ok ? 'kt-mark--ok' : 'kt-mark--no'}`}>{children}</span>;
}

/**
 * ApprovalPanel is the approver's checklist: each representative example
 * reconciles, the validity dates, the audience with what each exclusion
 * removed, the frequency, the journey. A compliance approver who did not
 * write, change or submit the campaign approves it or rejects it with a
 * reason; anyone else is told why they cannot.
 */
export function ApprovalPanel({ campaign, currency, onChanged }: { campaign: CampaignView; currency: string; onChanged: (c: CampaignView) => void }) {
  const subject = store.session.value!.subject;
  const [list, setList] = useState<Checklist | null>(null);
  const [failure, setFailure] = useState<string>();
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string>();
  const [busy, setBusy] = useState<'approve' | 'reject' | null>(null);
  const [actionError, setActionError] = useState<string>();

  useEffect(() => {
    setList(null);
    fin
      .checklist(campaign.id)
      .then(setList)
      .catch((err: unknown) => setFailure(describeError(err)));
  }, [campaign.id, campaign.version]);

  const why = whyNoApproval(campaign, { id: subject.id, role: subject.role });

  async function approve() {
    setActionError(undefined);
    setBusy('approve');
    try {
      onChanged(await fin.transition(campaign.id, 'approve'));
    } catch (err) {
      setActionError(problemText(err));
    } finally {
      setBusy(null);
    }
  }

  async function reject(e: Event) {
    e.preventDefault();
    setActionError(undefined);
    if (!reason.trim()) {
      setReasonError('Say what must change before you can approve it.');
      return;
    }
    setReasonError(undefined);
    setBusy('reject');
    try {
      onChanged(await fin.reject(campaign.id, reason.trim()));
      setReason('');
    } catch (err) {
      if (err instanceof ApiError && err.fieldMessage('reason')) setReasonError(err.fieldMessage('reason'));
      else setActionError(problemText(err));
    } finally {
      setBusy(null);
    }
  }

  const money = (m: number) => formatMoney(m, currency);
  return (
    <div class="kt-approval">
      {failure && <Notice tone="error">{failure}</Notice>}
      {!list && !failure && <p role="status">Loading the checklist…</p>}
      {list && (
        <>
          <section class="kt-card kt-section" aria-labelledby="cl-summary">
            <h3 id="cl-summary">Checklist</h3>
            <p>
              <Mark ok={list.ready}>{list.ready ? 'Ready' : 'Not ready'}</Mark>{' '}
              {list.ready ? 'Every check passes.' : `${list.problems.length} ${list.problems.length === 1 ? 'thing needs' : 'things need'} fixing first:`}
            </p>
            {list.problems.length > 0 && (
              <ul class="kt-inline-list kt-approval__problems">
                {list.problems.map((p, i) => (
                  <li key={i}>{p.message}</li>
                ))}
              </ul>
            )}
            <dl class="kt-facts">
              <dt>Campaign dates</dt>
              <dd>
                {formatDate(list.dates.start_date)} to {formatDate(list.dates.end_date)}{' '}
                <Mark ok={list.dates.ok}>{list.dates.ok ? 'OK' : 'Ended'}</Mark>
              </dd>
              <dt>Frequency</dt>
              <dd>
                At most {list.frequency.effective_per_week} {list.frequency.effective_per_week === 1 ? 'message' : 'messages'} a week from this
                campaign
                {list.frequency.financier_cap_per_month > 0 && `, ${list.frequency.financier_cap_per_month} a month across all campaigns`}.{' '}
                <span class="kt-muted">{list.frequency.note}</span>
              </dd>
            </dl>
          </section>

          <section class="kt-section" aria-labelledby="cl-offers">
            <h3 id="cl-offers">Offers and their representative examples</h3>
            {list.offers.length === 0 && <p>No offers.</p>}
            <ul class="kt-approval__offers">
              {list.offers.map((o) => (
                <li key={o.offer_id}>
                  <article class="kt-card kt-approval__offer" aria-labelledby={`cl-offer-${o.offer_id}`}>
                    <h4 id={`cl-offer-${o.offer_id}`}>
                      {o.vehicle} <span class="kt-muted">({productName(o.product)})</span>
                    </h4>
                    <div class="kt-approval__offer-body">
                      <div>
                        <p>
                          <Mark ok={o.reconciles}>{o.reconciles ? 'Reconciles' : 'Does not reconcile'}</Mark>
                        </p>
                        {o.problems.length > 0 && (
                          <ul class="kt-inline-list">
                            {o.problems.map((p, i) => (
                              <li key={i}>{p.message}</li>
                            ))}
                          </ul>
                        )}
                        <dl class="kt-stacked-facts">
                          {o.representative_apr !== null && (
                            <>
                              <dt>Representative APR</dt>
                              <dd>{o.representative_apr}% APR</dd>
                              <dt>Basis</dt>
                              <dd>
                                {o.apr_basis ? `${o.apr_basis.share_percent}% of agreements expected at or below it: ${o.apr_basis.source}` : 'Not given'}
                              </dd>
                            </>
                          )}
                          <dt>Valid</dt>
                          <dd>
                            {formatDate(o.valid_from)} to {formatDate(o.valid_to)}{' '}
                            <Mark ok={o.validity_ok}>{o.validity_ok ? 'OK' : 'Problem'}</Mark>
                            <span class="kt-cell-note">{o.validity_note}</span>
                          </dd>
                        </dl>
                      </div>
                      {o.representative_example && <RepresentativeExample id={`cl-ex-${o.offer_id}`} example={o.representative_example} level={4} />}
                    </div>
                  </article>
                </li>
              ))}
            </ul>
          </section>

          <section class="kt-card kt-section" aria-labelledby="cl-audience">
            <h3 id="cl-audience">Audience</h3>
            <ul class="kt-inline-list">
              {describeAudience(list.audience.rules, money).map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
            <div class="kt-table-wrap" role="region" aria-labelledby="cl-waterfall" tabIndex={0}>
              <table class="kt-table">
                <caption id="cl-waterfall" class="kt-caption">
                  From the rules to the audience
                </caption>
                <tbody>
                  <tr>
                    <th scope="row">Match the rules</th>
                    <td class="kt-num">{count.format(list.audience.matched_by_rules)}</td>
                  </tr>
                  {list.audience.exclusions.map((x) => (
                    <tr key={x.exclusion}>
                      <th scope="row" class="kt-approval__excl">
                        Left out: {x.label}
                        {!x.applied && ' (switched off)'}
                      </th>
                      <td class="kt-num">{!x.applied ? '–' : x.removed > 0 ? `−${count.format(x.removed)}` : '0'}</td>
                    </tr>
                  ))}
                  <tr class="kt-approval__total">
                    <th scope="row">In the audience</th>
                    <td class="kt-num">{count.format(list.audience.count)}</td>
                  </tr>
                </tbody>
              </table>
            </div>
          </section>

          <section class="kt-card kt-section" aria-labelledby="cl-journey">
            <h3 id="cl-journey">Journey</h3>
            {list.journey.steps.length === 0 ? (
              <p>No steps.</p>
            ) : (
              <ol class="kt-approval__steps">
                {list.journey.steps.map((s) => (
                  <li key={s.id}>
                    <strong>{describeTiming(s)}</strong>, {s.channel === 'push' ? 'push' : 'email'}: “{s.channel === 'push' ? s.title : s.subject}”
                    <span class="kt-cell-note">{s.body}</span>
                  </li>
                ))}
              </ol>
            )}
          </section>
        </>
      )}

      <section class="kt-card kt-section" aria-labelledby="cl-decision">
        <h3 id="cl-decision">Decision</h3>
        <p class="kt-muted">{list?.approval.rule ?? 'A compliance approver who neither wrote, changed nor submitted the campaign approves it.'}</p>
        {campaign.rejection_reason && campaign.status === 'draft' && (
          <Notice tone="warning" title="Last rejected because">
            <p>{campaign.rejection_reason}</p>
          </Notice>
        )}
        {actionError && <Notice tone="error">{actionError}</Notice>}
        {why ? (
          <Notice tone="info" live={false} title="You cannot approve this campaign">
            <p>{why}</p>
          </Notice>
        ) : (
          <>
            <div class="kt-actions">
              <Button busy={busy === 'approve'} onClick={() => void approve()}>
                Approve the campaign
              </Button>
            </div>
            <form method="post" onSubmit={reject} noValidate>
              <TextArea
                id="reject-reason"
                label="Or reject it, with what must change"
                hint="The author sees this. The campaign goes back to draft."
                value={reason}
                onValue={setReason}
                error={reasonError}
                rows={3}
                maxChars={1000}
              />
              <Button type="submit" variant="danger" busy={busy === 'reject'}>
                Reject the campaign
              </Button>
            </form>
          </>
        )}
      </section>
    </div>
  );
}

/** problemText turns a refused action into what the person reads: the server's reasons when it gave them. */
export function problemText(err: unknown): string {
  if (err instanceof ApiError && err.errors.length > 0) {
    return [err.detail, ...err.errors.map((e) => e.message)].filter(Boolean).join(' ');
  }
  if (err instanceof ApiError && (err.is('forbidden') || err.is('conflict')) && err.detail) return err.detail;
  return describeError(err);
}
