// Server-sent events over fetch. EventSource cannot send an Authorization
// header, and the access token must never go into a URL (logs, history), so
// the console reads text/event-stream itself: SSEParser follows the parsing
// rules of the HTML standard (§9.2.6) on text as it arrives, in chunks cut
// anywhere, and follow() keeps a stream open across network drops.
import type { Api } from './api';
import { ApiError } from './errors';

/** SSEMessage is one dispatched event. */
export interface SSEMessage {
  /** The event type; "message" when the server named none. */
  event: string;
  data: string;
  /** The last event id seen so far (it carries over between events). */
  id: string;
}

/** SSEParser turns chunks of a text/event-stream into messages. */
export class SSEParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private lastId = '';
  private sawCR = false;
  private first = true;
  /** retry is the reconnection time the server asked for, in ms (null: none). */
  retry: number | null = null;

  /** id is the last event id, to send back as Last-Event-ID on reconnecting. */
  get id(): string {
    return this.lastId;
  }

  /** push feeds a chunk of text and returns the messages it completed. */
  push(chunk: string): SSEMessage[] {
    let text = chunk;
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    // A CR ending the last chunk and an LF starting this one are one line end.
    if (this.sawCR && text.startsWith('\n')) text = text.slice(1);
    this.sawCR = false;
    this.buffer += text;
    const out: SSEMessage[] = [];
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.buffer);
      if (!m) break;
      // A CR at the very end may be the first half of a CRLF still to come.
      if (m[0] === '\r' && m.index === this.buffer.length - 1) {
        this.sawCR = true;
      }
      const line = this.buffer.slice(0, m.index);
      this.buffer = this.buffer.slice(m.index + m[0].length);
      const msg = this.line(line);
      if (msg) out.push(msg);
    }
    return out;
  }

  /** end is called when the stream closes: an event without its blank line is dropped, as the standard says. */
  end(): void {
    this.buffer = '';
    this.data = [];
    this.event = '';
  }

  private line(line: string): SSEMessage | null {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    let field = line;
    let value = '';
    if (colon >= 0) {
      field = line.slice(0, colon);
      value = line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
    }
    switch (field) {
      case 'data':
        this.data.push(value);
        break;
      case 'event':
        this.event = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
      default:
        break;
    }
    return null;
  }

  private dispatch(): SSEMessage | null {
    const data = this.data;
    const event = this.event;
    this.data = [];
    this.event = '';
    if (data.length === 0) return null;
    return { event: event || 'message', data: data.join('\n'), id: this.lastId };
  }
}

/** readStream reads a response body as events until it ends or signal aborts. */
export async function readStream(
  res: Response,
  parser: SSEParser,
  onMessage: (m: SSEMessage) => void,
  signal?: AbortSignal,
): Promise<void> {
  if (!res.body) return;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  const stop = () => void reader.cancel().catch(() => {});
  signal?.addEventListener('abort', stop, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (const m of parser.push(value)) onMessage(m);
    }
  } finally {
    signal?.removeEventListener('abort', stop);
    parser.end();
  }
}

export interface FollowOptions {
  signal: AbortSignal;
  /** Stop once this returns true for a message (a final "done" event). */
  isLast?: (m: SSEMessage) => boolean;
  /** Wait before reconnecting when the server sent no retry; ms. */
  retryMs?: number;
  /** How many reconnections in a row before giving up. */
  maxRetries?: number;
}

/**
 * follow reads the event stream at path through the API client, and
 * reconnects with Last-Event-ID when the connection drops before the last
 * message. It resolves when the last message came or signal aborted, and
 * rejects on an API error (404, 403) or when reconnecting keeps failing.
 */
export async function follow(api: Api, path: string, onMessage: (m: SSEMessage) => void, opts: FollowOptions): Promise<void> {
  const parser = new SSEParser();
  // done stops the reading once the last message came, as well as on abort.
  const done = new AbortController();
  const stop = () => done.abort();
  opts.signal.addEventListener('abort', stop, { once: true });
  let finished = false;
  let failures = 0;
  const handle = (m: SSEMessage) => {
    if (finished) return;
    failures = 0;
    onMessage(m);
    if (opts.isLast?.(m)) {
      finished = true;
      done.abort();
    }
  };
  try {
    while (!finished && !opts.signal.aborted) {
      try {
        const headers: Record<string, string> = parser.id ? { 'Last-Event-ID': parser.id } : {};
        const res = await api.raw('GET', path, { accept: 'text/event-stream', headers, signal: done.signal });
        await readStream(res, parser, handle, done.signal);
      } catch (err) {
        if (done.signal.aborted) return;
        if (err instanceof ApiError) throw err;
        failures++;
        if (failures > (opts.maxRetries ?? 5)) throw err;
      }
      if (finished || opts.signal.aborted) return;
      await sleep(parser.retry ?? opts.retryMs ?? 1000, opts.signal);
    }
  } finally {
    opts.signal.removeEventListener('abort', stop);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}
