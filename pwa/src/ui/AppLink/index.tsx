import type { ComponentChildren, PartialAnchorHTMLAttributes } from 'preact';
import { useRouter } from '../../app/router';

export interface AppLinkProps extends Omit<PartialAnchorHTMLAttributes<HTMLAnchorElement>, 'href' | 'role'> {
  /** A route of this app: "", "help", "team". */
  to: string;
  children: ComponentChildren;
}

/**
 * AppLink is a real link (it works with a middle click, copy link and no
 * JavaScript) that moves within the app without a page load.
 */
export function AppLink({ to, children, onClick, ...rest }: AppLinkProps) {
  const router = useRouter();
  return (
    <a
      {...rest}
      href={router.href(to)}
      onClick={(e) => {
        onClick?.(e);
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        router.navigate(to);
      }}
    >
      {children}
    </a>
  );
}
