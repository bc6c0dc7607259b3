import { useEffect, useRef } from 'preact/hooks';
import './ErrorSummary.css';

export interface SummaryItem {
  /** id of the input the message is about; none for a form-wide message. */
  field?: string;
  message: string;
}

/**
 * ErrorSummary lists what stops a form from going through, at the top of
 * the form, and takes focus when it appears so that screen reader and
 * keyboard users hear it first. Each message links to its field.
 */
export function ErrorSummary({ items, title = 'There is a problem' }: { items: SummaryItem[]; title?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const key = items.map((i) => i.message).join('|');
  useEffect(() => {
    if (items.length > 0) ref.current?.focus();
  }, [key]);
  if (items.length === 0) return null;
  return (
    <div class="kt-error-summary" role="alert" tabIndex={-1} ref={ref} aria-labelledby="kt-error-summary-title">
      <h2 class="kt-error-summary__title" id="kt-error-summary-title">
        {title}
      </h2>
      <ul>
        {items.map((item) => (
          <li key={item.message}>
            {item.field ? (
              <a
                href={`#${item.field}`}
                onClick={(e) => {
                  // Focus the field without putting a fragment in the URL.
                  e.preventDefault();
                  document.getElementById(item.field!)?.focus();
                }}
              >
                {item.message}
              </a>
            ) : (
              item.message
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
