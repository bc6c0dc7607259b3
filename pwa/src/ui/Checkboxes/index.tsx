import type { ComponentChildren } from 'preact';
import './Checkboxes.css';

export interface CheckboxOption {
  value: string;
  label: string;
  hint?: string;
}

export interface CheckboxesProps {
  id: string;
  legend: string;
  hint?: string;
  error?: string | undefined;
  options: CheckboxOption[];
  selected: string[];
  onValue: (selected: string[]) => void;
  /** Lay the boxes out in a row when there is room (short labels). */
  inline?: boolean;
}

/** Checkboxes is a fieldset of checkboxes with a legend, hint and error, each box a 44 px target. */
export function Checkboxes({ id, legend, hint, error, options, selected, onValue, inline }: CheckboxesProps) {
  const hintId = hint ? `${id}-hint` : '';
  const errorId = error ? `${id}-error` : '';
  return (
    <fieldset
      class={`kt-checkboxes${error ? ' kt-checkboxes--invalid' : ''}${inline ? ' kt-checkboxes--inline' : ''}`}
      id={id}
      aria-describedby={[hintId, errorId].filter(Boolean).join(' ') || undefined}
    >
      <legend class="kt-checkboxes__legend">{legend}</legend>
      {hint && (
        <span class="kt-checkboxes__hint" id={hintId}>
          {hint}
        </span>
      )}
      {error && (
        <span class="kt-checkboxes__error" id={errorId}>
          <span class="kt-visually-hidden">Error: </span>
          {error}
        </span>
      )}
      <div class="kt-checkboxes__items">
        {options.map((o) => {
          const boxId = `${id}-${o.value.replace(/[^\w-]/g, '_')}`;
          return (
            <Checkbox
              key={o.value}
              id={boxId}
              label={o.label}
              hint={o.hint}
              checked={selected.includes(o.value)}
              onChecked={(on) => onValue(on ? [...selected, o.value] : selected.filter((v) => v !== o.value))}
            />
          );
        })}
      </div>
    </fieldset>
  );
}

/** Checkbox is one labelled checkbox with an optional hint. */
export function Checkbox({
  id,
  label,
  hint,
  checked,
  onChecked,
}: {
  id: string;
  label: ComponentChildren;
  hint?: string | undefined;
  checked: boolean;
  onChecked: (checked: boolean) => void;
}) {
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div class="kt-checkbox">
      <input
        id={id}
        name={id}
        type="checkbox"
        class="kt-checkbox__input"
        checked={checked}
        aria-describedby={hintId}
        onChange={(e) => onChecked(e.currentTarget.checked)}
      />
      <label class="kt-checkbox__label" for={id}>
        {label}
        {hint && (
          <span class="kt-checkbox__hint" id={hintId}>
            {hint}
          </span>
        )}
      </label>
    </div>
  );
}
