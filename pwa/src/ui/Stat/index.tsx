import './Stat.css';

export interface StatItem {
  label: string;
  value: number | string;
}

const count = new Intl.NumberFormat('en-GB');

/** Stats is a row of headline numbers, each with its label. */
export function Stats({ items, label }: { items: StatItem[]; label: string }) {
  return (
    <ul class="kt-stats" aria-label={label}>
      {items.map((s) => (
        <li class="kt-stat" key={s.label}>
          <span class="kt-stat__value">{typeof s.value === 'number' ? count.format(s.value) : s.value}</span>
          <span class="kt-stat__label">{s.label}</span>
        </li>
      ))}
    </ul>
  );
}
