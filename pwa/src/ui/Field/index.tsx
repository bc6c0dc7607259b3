import type { ComponentChildren, PartialInputHTMLAttributes, PartialSelectHTMLAttributes } from 'preact';
import { fieldIds } from './ids';
import './Field.css';

/**
 * FieldFrame is the shared frame of every labelled control: the label, the
 * hint and the error message, whose ids (from fieldIds) the control names in
 * aria-describedby. The control itself is the child.
 */
export function FieldFrame({ id, label, hint, error, children }: {
  id: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  children: ComponentChildren;
}) {
  const ids = fieldIds(id, Boolean(hint), Boolean(error));
  return (
    <div class={`kt-field${error ? ' kt-field--invalid' : ''}`}>
      <label class="kt-field__label" for={id}>
        {label}
      </label>
      {hint && (
        <span class="kt-field__hint" id={ids.hint}>
          {hint}
        </span>
      )}
      {error && (
        <span class="kt-field__error" id={ids.error}>
          <span class="kt-visually-hidden">Error: </span>
          {error}
        </span>
      )}
      {children}
    </div>
  );
}

export interface FieldProps extends Omit<PartialInputHTMLAttributes<HTMLInputElement>, 'id' | 'class' | 'value' | 'onInput' | 'role' | 'type'> {
  id: string;
  label: string;
  hint?: string;
  error?: string | undefined;
  value: string;
  onValue: (value: string) => void;
  /** A narrower box for short answers (dates, postcodes, codes). */
  short?: boolean;
  type?: 'text' | 'email' | 'password' | 'tel' | 'search' | 'url' | 'date';
}

/**
 * Field is a labelled text input with an optional hint and error message,
 * both tied to it with aria-describedby. Paste always works: nothing here
 * blocks it (WCAG 3.3.8).
 */
export function Field({ id, label, hint, error, value, onValue, short, type = 'text', ...rest }: FieldProps) {
  const ids = fieldIds(id, Boolean(hint), Boolean(error));
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      <input
        {...rest}
        id={id}
        name={rest.name ?? id}
        // Preact types each input type as its own variant; a union of them
        // does not narrow, and every type we allow takes the same attributes.
        type={type as 'text'}
        class={`kt-field__input${short ? ' kt-field__input--short' : ''}`}
        value={value}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={ids.describedBy}
        onInput={(e) => onValue(e.currentTarget.value)}
      />
    </FieldFrame>
  );
}

export interface SelectProps extends Omit<PartialSelectHTMLAttributes<HTMLSelectElement>, 'id' | 'class' | 'value' | 'onChange' | 'role'> {
  id: string;
  label: string;
  value: string;
  options: Array<{ value: string; label: string }>;
  onValue: (value: string) => void;
  error?: string | undefined;
}

/** Select is a labelled drop-down with the same look as Field. */
export function Select({ id, label, value, options, onValue, error, ...rest }: SelectProps) {
  const ids = fieldIds(id, false, Boolean(error));
  return (
    <FieldFrame id={id} label={label} error={error}>
      <select
        {...rest}
        id={id}
        name={rest.name ?? id}
        class="kt-field__input"
        value={value}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={ids.describedBy}
        onChange={(e) => onValue(e.currentTarget.value)}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}
