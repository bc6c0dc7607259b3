import type { ComponentChildren } from 'preact';
import './Notice.css';

export interface NoticeProps {
  tone?: 'info' | 'success' | 'warning' | 'error';
  title?: string;
  children?: ComponentChildren;
  /** Errors interrupt a screen reader (alert); other news waits (status). */
  live?: boolean;
}

/** Notice is a box of news about the page: a result, a warning, an error. */
export function Notice({ tone = 'info', title, children, live = true }: NoticeProps) {
  const role = live ? (tone === 'error' ? 'alert' : 'status') : undefined;
  return (
    <div class={`kt-notice kt-notice--${tone}`} role={role}>
      {title && <p class="kt-notice__title">{title}</p>}
      {children}
    </div>
  );
}
