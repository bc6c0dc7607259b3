import { AppLink } from '../../../ui/AppLink';
import { TABS, type CampaignTab } from '../../campaign/status';
import './CampaignTabs.css';

/** CampaignTabs is the campaign page's own nav: one link per part, the current one marked. */
export function CampaignTabs({ id, current }: { id: number; current: CampaignTab }) {
  return (
    <nav class="kt-tabs" aria-label="Campaign">
      <ul>
        {TABS.map((t) => (
          <li key={t.tab}>
            <AppLink
              to={t.tab === 'overview' ? `campaigns?id=${id}` : `campaigns?id=${id}&tab=${t.tab}`}
              aria-current={t.tab === current ? 'page' : undefined}
            >
              {t.label}
            </AppLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
