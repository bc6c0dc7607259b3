import type { ComponentChildren } from 'preact';
import './Tag.css';

/** Tag is a short status label ("Draft", "Live"); its tone is also in its words, never in colour alone. */
export function Tag({ tone = 'neutral', children }: { tone?: 'neutral' | 'info' | 'success' | 'warning' | 'error'; children: ComponentChildren }) {
  return <span class={`kt-tag kt-tag--${tone}`}>{children}</span>;
}
