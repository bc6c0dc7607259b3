// Files behind the API (CSV templates, exports) need the access token, which
// a plain link cannot send, so they are fetched and handed to the browser as
// a download from a blob: URL.
import type { Api } from './api';

/** filenameOf reads the file name of a Content-Disposition header. */
export function filenameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition);
  if (star?.[1]) {
    try {
      return safeName(decodeURIComponent(star[1].trim()), fallback);
    } catch {
      // A broken encoding: try the plain parameter.
    }
  }
  const plain = /filename\s*=\s*(?:"([^"]*)"|([^;]+))/.exec(disposition);
  return safeName((plain?.[1] ?? plain?.[2] ?? '').trim(), fallback);
}

// A server's name for a file is advice: keep it to one plain file name.
function safeName(name: string, fallback: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  return /^[\w.() -]{1,120}$/.test(base) && !base.startsWith('.') ? base : fallback;
}

/** download fetches path with the API client and saves it as a file. */
export async function download(api: Api, path: string, fallbackName: string): Promise<string> {
  const res = await api.raw('GET', path, { accept: 'text/csv, application/octet-stream, */*' });
  const name = filenameOf(res.headers.get('Content-Disposition'), fallbackName);
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  try {
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.hidden = true;
    document.body.append(a);
    a.click();
    a.remove();
  } finally {
    // The click has started the download; the URL is not needed after it.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  return name;
}
