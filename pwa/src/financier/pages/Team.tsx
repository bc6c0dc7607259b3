import { useEffect, useState } from 'preact/hooks';
import { Button } from '../../ui/Button';
import { ErrorSummary, type SummaryItem } from '../../ui/ErrorSummary';
import { Field, Select } from '../../ui/Field';
import { Notice } from '../../ui/Notice';
import type { StaffMember } from '../../app/api';
import { ApiError } from '../../app/errors';
import { formatDateTime, roleName } from '../../app/format';
import { normaliseEmail } from '../../app/inputs';
import { describeError } from '../../app/messages';
import { FINANCIER_ROLES } from '../../app/roles';
import { Frame } from '../../staff/Frame';
import { store, team } from '../state';

const roleOptions = FINANCIER_ROLES.map((r) => ({ value: r, label: roleName(r) }));

/** Team is the administrator's page: who has access, invitations, roles, disabling. */
export function Team() {
  const [failure, setFailure] = useState<string>();
  const [news, setNews] = useState<string>();

  async function reload() {
    try {
      team.value = (await store.api.listStaff()).items;
    } catch (err) {
      setFailure(describeError(err));
    }
  }

  useEffect(() => {
    void reload();
  }, []);

  const me = store.session.value?.subject.id;
  return (
    <Frame title="Team">
      {news && <Notice tone="success">{news}</Notice>}
      {failure && <Notice tone="error">{failure}</Notice>}
      <Invite
        onInvited={(who) => {
          setNews(`We have emailed an invitation to ${who}.`);
          void reload();
        }}
      />
      <h2>People with access</h2>
      {team.value === null ? (
        !failure && <p role="status">Loading the team…</p>
      ) : (
        <ul class="kt-grid">
          {team.value.map((m) => (
            <li key={m.id}>
              <Member
                member={m}
                isMe={m.id === me}
                onChanged={(updated, what) => {
                  team.value = team.value!.map((x) => (x.id === updated.id ? updated : x));
                  setNews(what);
                }}
              />
            </li>
          ))}
        </ul>
      )}
    </Frame>
  );
}

function Invite({ onInvited }: { onInvited: (email: string) => void }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<string>('financier_marketer');
  const [errors, setErrors] = useState<{ name?: string; email?: string; role?: string }>({});
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    setFailure(undefined);
    const em = normaliseEmail(email);
    const next = {
      name: name.trim() ? undefined : "Enter the person's name.",
      email: em.ok ? undefined : em.message,
    };
    setErrors(next);
    if (next.name || !em.ok) return;
    setBusy(true);
    try {
      await store.api.inviteStaff({ name: name.trim(), email: em.value, role });
      onInvited(em.value);
      setName('');
      setEmail('');
    } catch (err) {
      if (err instanceof ApiError && err.is('validation')) {
        setErrors({
          name: err.fieldMessage('name'),
          email: err.fieldMessage('email'),
          role: err.fieldMessage('role'),
        });
      } else if (err instanceof ApiError && err.is('conflict')) {
        setErrors({ email: err.detail || 'Someone with this email address already has an account.' });
      } else {
        setFailure(describeError(err));
      }
    } finally {
      setBusy(false);
    }
  }

  const summary: SummaryItem[] = [];
  if (errors.name) summary.push({ field: 'invite-name', message: errors.name });
  if (errors.email) summary.push({ field: 'invite-email', message: errors.email });
  if (errors.role) summary.push({ field: 'invite-role', message: errors.role });

  return (
    <section class="kt-card" aria-labelledby="invite-heading">
      <h2 id="invite-heading">Invite someone</h2>
      <form method="post" onSubmit={submit} noValidate>
        <ErrorSummary items={summary} />
        {failure && <Notice tone="error">{failure}</Notice>}
        <Field id="invite-name" label="Name" autocomplete="off" value={name} onValue={setName} error={errors.name} />
        <Field
          id="invite-email"
          label="Email address"
          type="email"
          autocomplete="off"
          spellcheck={false}
          value={email}
          onValue={setEmail}
          error={errors.email}
        />
        <Select id="invite-role" label="Role" value={role} options={roleOptions} onValue={setRole} error={errors.role} />
        <Button type="submit" busy={busy} block>
          Send invitation
        </Button>
      </form>
    </section>
  );
}

function Member({
  member: m,
  isMe,
  onChanged,
}: {
  member: StaffMember;
  isMe: boolean;
  onChanged: (m: StaffMember, what: string) => void;
}) {
  const [role, setRole] = useState(m.role);
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);
  const headingId = `member-${m.id}`;

  async function patch(change: { role?: string; disabled?: boolean }, what: string) {
    setBusy(true);
    setFailure(undefined);
    try {
      onChanged(await store.api.updateStaff(m.id, change), what);
    } catch (err) {
      setFailure(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <article class="kt-card" aria-labelledby={headingId}>
      <h3 id={headingId}>{m.name}</h3>
      <dl class="kt-facts">
        <dt>Email</dt>
        <dd>{m.email}</dd>
        <dt>Role</dt>
        <dd>{roleName(m.role)}</dd>
        <dt>Two-step sign-in</dt>
        <dd>{m.totp_enabled ? 'On' : 'Off'}</dd>
        <dt>Last signed in</dt>
        <dd>{m.last_login_at ? formatDateTime(new Date(m.last_login_at)) : 'Never'}</dd>
        <dt>Access</dt>
        <dd>{m.disabled ? 'Disabled' : 'Active'}</dd>
      </dl>
      {failure && <Notice tone="error">{failure}</Notice>}
      {isMe ? (
        <p class="kt-muted">This is you. Another administrator can change your role.</p>
      ) : (
        <>
          <form
            method="post"
            onSubmit={(e) => {
              e.preventDefault();
              if (role !== m.role) void patch({ role }, `${m.name} is now ${roleName(role)}.`);
            }}
          >
            <Select
              id={`role-${m.id}`}
              label={`Role for ${m.name}`}
              value={role}
              options={roleOptions}
              onValue={setRole}
            />
            <div class="kt-actions">
              <Button type="submit" variant="secondary" busy={busy}>
                Change role
              </Button>
              {m.disabled ? (
                <Button
                  variant="secondary"
                  busy={busy}
                  onClick={() => void patch({ disabled: false }, `${m.name} can sign in again.`)}
                >
                  Enable {m.name}
                </Button>
              ) : (
                <Button
                  variant="danger"
                  busy={busy}
                  onClick={() => void patch({ disabled: true }, `${m.name} is disabled and signed out everywhere.`)}
                >
                  Disable {m.name}
                </Button>
              )}
            </div>
          </form>
        </>
      )}
    </article>
  );
}
