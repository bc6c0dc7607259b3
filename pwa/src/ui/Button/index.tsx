import type { ButtonHTMLAttributes, ComponentChildren } from 'preact';
import './Button.css';

export interface ButtonProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'class' | 'disabled' | 'type'> {
  variant?: 'primary' | 'secondary' | 'danger';
  /** Full width on phones. */
  block?: boolean;
  /** While busy the button stays focusable and says so, but does nothing. */
  busy?: boolean;
  type?: 'button' | 'submit';
  children: ComponentChildren;
}

/** Button is the one button of the design system, at least 44×44 px. */
export function Button({ variant = 'primary', block, busy, type = 'button', onClick, children, ...rest }: ButtonProps) {
  const cls = `kt-button kt-button--${variant}${block ? ' kt-button--block' : ''}`;
  return (
    <button
      {...rest}
      type={type}
      class={cls}
      aria-disabled={busy ? 'true' : undefined}
      onClick={(e) => {
        // aria-disabled rather than disabled: a disabled button drops focus,
        // which screen reader users then have to find again.
        if (busy) {
          e.preventDefault();
          return;
        }
        onClick?.(e);
      }}
    >
      {children}
    </button>
  );
}
