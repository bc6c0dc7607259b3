// Live previews: the audience count, the offer's example and the journey's
// messages follow the form as it changes, but only once typing pauses, and a
// slow answer to an old question never overwrites a newer one.
import { useEffect, useRef, useState } from 'preact/hooks';

/** Latest hands out tickets; only the newest ticket's answer is kept. */
export class Latest {
  private n = 0;
  /** next starts a new question and returns its ticket. */
  next(): number {
    this.n += 1;
    return this.n;
  }
  /** current reports whether ticket is still the newest. */
  current(ticket: number): boolean {
    return ticket === this.n;
  }
}

/** LiveState is what a live preview shows. */
export interface LiveState<T> {
  value: T | null;
  error: unknown;
  busy: boolean;
}

/**
 * useLive runs ask(key) delay ms after key last changed (immediately the
 * first time) and keeps the newest answer. A null key asks nothing.
 */
export function useLive<T>(key: string | null, ask: () => Promise<T>, delay = 400): LiveState<T> {
  const [state, setState] = useState<LiveState<T>>({ value: null, error: null, busy: key !== null });
  const latest = useRef(new Latest());
  const first = useRef(true);
  const askRef = useRef(ask);
  askRef.current = ask;
  useEffect(() => {
    if (key === null) {
      latest.current.next();
      setState((s) => ({ ...s, busy: false }));
      return;
    }
    const ticket = latest.current.next();
    setState((s) => ({ ...s, busy: true }));
    const run = () => {
      askRef
        .current()
        .then((value) => {
          if (latest.current.current(ticket)) setState({ value, error: null, busy: false });
        })
        .catch((error: unknown) => {
          if (latest.current.current(ticket)) setState((s) => ({ value: s.value, error, busy: false }));
        });
    };
    const wait = first.current ? 0 : delay;
    first.current = false;
    const t = setTimeout(run, wait);
    return () => clearTimeout(t);
  }, [key]);
  return state;
}
