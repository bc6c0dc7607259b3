import type { TextareaHTMLAttributes } from 'preact';
import { FieldFrame } from '../Field';
import { fieldIds } from '../Field/ids';
import '../Field/Field.css';
import './TextArea.css';

export interface TextAreaProps
  extends Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id' | 'class' | 'value' | 'onInput' | 'role'> {
  id: string;
  label: string;
  hint?: string;
  error?: string | undefined;
  value: string;
  onValue: (value: string) => void;
  /** Show "n of max characters" under the box when maxChars is given. */
  maxChars?: number;
}

/** TextArea is a labelled multi-line input with the look of Field, and an optional character count. */
export function TextArea({ id, label, hint, error, value, onValue, maxChars, rows = 4, ...rest }: TextAreaProps) {
  const ids = fieldIds(id, Boolean(hint), Boolean(error));
  const countId = `${id}-count`;
  const over = maxChars !== undefined && [...value].length > maxChars;
  const describedBy = [ids.describedBy, maxChars !== undefined ? countId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      <textarea
        {...rest}
        id={id}
        name={rest.name ?? id}
        rows={rows}
        class="kt-field__input kt-textarea"
        value={value}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy}
        onInput={(e) => onValue(e.currentTarget.value)}
      />
      {maxChars !== undefined && (
        <span id={countId} class={`kt-textarea__count${over ? ' kt-textarea__count--over' : ''}`}>
          {over
            ? `${[...value].length - maxChars} characters too many (at most ${maxChars})`
            : `${[...value].length} of ${maxChars} characters`}
        </span>
      )}
    </FieldFrame>
  );
}
