import { describe, expect, it } from 'vitest';
import { Api } from './api';
import { ApiError } from './errors';
import { follow, readStream, SSEParser, type SSEMessage } from './sse';

function all(parser: SSEParser, chunks: string[]): SSEMessage[] {
  return chunks.flatMap((c) => parser.push(c));
}

describe('SSEParser', () => {
  it('reads events, types, ids and multi-line data', () => {
    const p = new SSEParser();
    const got = all(p, ['event: progress\nid: 7\ndata: {"rows":10}\n\n', 'data: a\ndata: b\n\n']);
    expect(got).toEqual([
      { event: 'progress', data: '{"rows":10}', id: '7' },
      { event: 'message', data: 'a\nb', id: '7' },
    ]);
    expect(p.id).toBe('7');
  });

  it('gives the same events however the stream is cut', () => {
    const stream = 'retry: 2500\r\n: keep-alive\r\nevent: progress\r\ndata: {"done":1}\r\n\r\nevent: done\rdata:x\r\r';
    const whole = all(new SSEParser(), [stream]);
    for (let i = 1; i < stream.length; i++) {
      const p = new SSEParser();
      expect(all(p, [stream.slice(0, i), stream.slice(i)]), `cut at ${i}`).toEqual(whole);
      expect(p.retry).toBe(2500);
    }
    const p = new SSEParser();
    expect(all(p, [...stream])).toEqual(whole);
    expect(whole).toEqual([
      { event: 'progress', data: '{"done":1}', id: '' },
      { event: 'done', data: 'x', id: '' },
    ]);
  });

  it('ignores comments, unknown fields, a BOM and an event without data', () => {
    const p = new SSEParser();
    expect(all(p, ['\ufeff: hello\nfoo: bar\nevent: ping\n\n', 'data\n\n'])).toEqual([{ event: 'message', data: '', id: '' }]);
  });

  it('drops an event the stream cut off before its blank line', () => {
    const p = new SSEParser();
    expect(p.push('data: half')).toEqual([]);
    p.end();
    expect(p.push('\n\n')).toEqual([]);
  });

  it('keeps only a number as retry and refuses an id with NUL', () => {
    const p = new SSEParser();
    p.push('retry: soon\nid: a\0b\ndata: x\n\n');
    expect(p.retry).toBeNull();
    expect(p.id).toBe('');
  });
});

function streamOf(chunks: string[]): Response {
  const enc = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      for (const ch of chunks) c.enqueue(enc.encode(ch));
      c.close();
    },
  });
  return new Response(body, { headers: { 'Content-Type': 'text/event-stream' } });
}

describe('readStream and follow', () => {
  it('reads a response body split inside a multi-byte character', async () => {
    const bytes = new TextEncoder().encode('data: £1\n\n');
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes.slice(0, 7));
        c.enqueue(bytes.slice(7));
        c.close();
      },
    });
    const got: SSEMessage[] = [];
    await readStream(new Response(body), new SSEParser(), (m) => got.push(m));
    expect(got.map((m) => m.data)).toEqual(['£1']);
  });

  it('reconnects with Last-Event-ID until the last event', async () => {
    const calls: Array<Record<string, string>> = [];
    const replies = [
      streamOf(['id: 1\nevent: progress\ndata: 1\n\n', 'id: 2\nevent: progress\ndata: 2\n\n']),
      streamOf(['id: 3\nevent: done\ndata: 3\n\n', 'event: progress\ndata: never\n\n']),
    ];
    const fetchFn = (async (_: RequestInfo | URL, init?: RequestInit) => {
      calls.push(Object.fromEntries(new Headers(init?.headers)));
      return replies.shift()!;
    }) as typeof fetch;
    const api = new Api({ kind: 'staff', fetch: fetchFn });
    const got: string[] = [];
    await follow(api, '/imports/1/events', (m) => got.push(`${m.event}:${m.data}`), {
      signal: new AbortController().signal,
      isLast: (m) => m.event === 'done',
      retryMs: 1,
    });
    expect(got).toEqual(['progress:1', 'progress:2', 'done:3']);
    expect(calls.map((h) => h['last-event-id'] ?? null)).toEqual([null, '2']);
    expect(calls[0]!.accept).toBe('text/event-stream');
  });

  it('stops at an API error rather than retrying', async () => {
    const fetchFn = (async () =>
      new Response(JSON.stringify({ type: 'urn:keyturn:problem:not-found', title: 'Not found', status: 404 }), {
        status: 404,
        headers: { 'Content-Type': 'application/problem+json' },
      })) as typeof fetch;
    const api = new Api({ kind: 'staff', fetch: fetchFn });
    const err = await follow(api, '/imports/9/events', () => {}, { signal: new AbortController().signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('not-found');
  });
});
