import type { RepresentativeExample as Example } from '../../app/financier-api';
import './RepresentativeExample.css';

/** Lines whose value is a whole sentence (Irish warnings, security, hire terms): shown as text, not label and value. */
const SENTENCES = new Set(['warning', 'security', 'hire_terms']);

/**
 * RepresentativeExample shows the block the finance engine wrote, as the
 * customer sees it (RULES C2, C3): under its own title ("Representative
 * example: …"), every line in the engine's order, all in one container and
 * at one size — never folded away in a details element, a tooltip or a
 * carousel. emphasiseAPR makes the representative APR stand out, for an
 * offer with an incentive (C4).
 */
export function RepresentativeExample({
  id,
  example,
  emphasiseAPR = false,
  level = 3,
}: {
  id: string;
  example: Example;
  emphasiseAPR?: boolean;
  level?: 2 | 3 | 4;
}) {
  const Heading = `h${level}` as 'h3';
  return (
    <section class="kt-repex" aria-labelledby={`${id}-title`} data-rep-example="">
      <Heading id={`${id}-title`} class="kt-repex__title">
        {example.title}
      </Heading>
      <dl class="kt-repex__lines">
        {example.lines.map((l, i) =>
          SENTENCES.has(l.item) ? (
            <div key={i} class="kt-repex__line kt-repex__line--sentence">
              <dt class="kt-visually-hidden">{l.label}</dt>
              <dd>{l.value}</dd>
            </div>
          ) : (
            <div
              key={i}
              class={`kt-repex__line${emphasiseAPR && l.item === 'representative_apr' ? ' kt-repex__line--apr' : ''}`}
              data-item={l.item}
            >
              <dt>{l.label}</dt>
              <dd>{l.value}</dd>
            </div>
          ),
        )}
      </dl>
    </section>
  );
}
