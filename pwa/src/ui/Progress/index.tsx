import './Progress.css';

export interface ProgressProps {
  id: string;
  label: string;
  /** Done so far and the total; total null while it is not known yet. */
  value: number;
  max: number | null;
  /** What the numbers mean, read out as the bar's value: "1,200 of 5,000 rows". */
  text: string;
}

/**
 * Progress is a labelled progress bar (the native element, so assistive
 * technology reads its value) with the same news as text beside it. Without
 * a total it shows as busy, without a fake percentage.
 */
export function Progress({ id, label, value, max, text }: ProgressProps) {
  const known = max !== null && max > 0;
  return (
    <div class="kt-progress">
      <label class="kt-progress__label" for={id}>
        {label}
      </label>
      <progress
        id={id}
        class="kt-progress__bar"
        max={known ? max : undefined}
        value={known ? Math.min(value, max) : undefined}
        aria-valuetext={text}
      />
      <p class="kt-progress__text">{text}</p>
    </div>
  );
}
