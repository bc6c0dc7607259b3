import { useConsole } from '../store';
import { Frame } from '../Frame';

/** WrongConsole is shown when someone signs in to the other console. */
export function WrongConsole() {
  const { config } = useConsole();
  const other = config.audience === 'financier' ? { href: '/dealer/', name: 'dealer console' } : { href: '/financier/', name: 'financier console' };
  return (
    <Frame title="This is not your console">
      <p>
        Your account works in the {other.name}. <a href={other.href}>Go to the {other.name}</a>.
      </p>
    </Frame>
  );
}
