import { useConsole } from '../store';
import { Frame } from '../Frame';

/** Help says whom staff can ask. */
export function Help() {
  const { config } = useConsole();
  return (
    <Frame title="Talk to a person">
      {config.audience === 'financier' ? (
        <p>
          For a new sign-in link, a password reset that does not arrive, a locked account or a different role, ask an
          administrator at your company. They can do all of this on the Team page.
        </p>
      ) : (
        <p>
          For a new sign-in link, a locked account or access to another location, ask your dealer principal or your
          contact at the finance company.
        </p>
      )}
      <p>If you have forgotten your password, you can reset it yourself from the sign-in page.</p>
    </Frame>
  );
}
