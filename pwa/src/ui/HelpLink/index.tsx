import { AppLink } from '../AppLink';
import './HelpLink.css';

/**
 * HelpLink is "Talk to a person". Layout puts it in the header, in the same
 * place on every screen of every front end (WCAG 3.2.6, consistent help).
 */
export function HelpLink({ to = 'help' }: { to?: string }) {
  return (
    <AppLink to={to} class="kt-help-link">
      <svg width="20" height="20" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path
          fill="currentColor"
          d="M12 2a10 10 0 0 0-8.66 15l-1.3 4.3a.5.5 0 0 0 .63.62l4.3-1.3A10 10 0 1 0 12 2Zm0 2a8 8 0 1 1-4.2 14.81.9.9 0 0 0-.72-.1l-2.62.8.8-2.62a.9.9 0 0 0-.1-.72A8 8 0 0 1 12 4Z"
        />
      </svg>
      Talk to a person
    </AppLink>
  );
}
