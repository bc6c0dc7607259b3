import { contact } from '../state';
import { Frame } from './Frame';

/** Help says how to reach a person at the customer's financier. */
export function Help() {
  const c = contact.value;
  return (
    <Frame title="Talk to a person">
      {c ? (
        <>
          <p>The team at {c.name} can help with your agreement, your options and this app.</p>
          <ul class="kt-links">
            {c.support_phone && (
              <li>
                Call <a href={`tel:${c.support_phone.replace(/\s+/g, '')}`}>{c.support_phone}</a>
              </li>
            )}
            {c.support_email && (
              <li>
                Email <a href={`mailto:${c.support_email}`}>{c.support_email}</a>
              </li>
            )}
          </ul>
        </>
      ) : (
        <p>
          Call your finance company on the number on your agreement, your statements or the email that brought you
          here. They can help with your agreement, your options and this app.
        </p>
      )}
    </Frame>
  );
}
