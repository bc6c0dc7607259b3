import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Button } from '../../../ui/Button';
import { Field } from '../../../ui/Field';
import { fieldIds } from '../../../ui/Field/ids';
import { Progress } from '../../../ui/Progress';
import { MEDIA_RULES, type MediaKind, type MediaView, type UploadProgress } from '../../../app/financier-api';
import { formatBytes } from '../../../ui/DropZone';
import { formatDateTime } from '../../../app/format';
import { describeError } from '../../../app/messages';
import { isAbort, limitsText, MEDIA_WORDS, progressText, tooBig, uploadError } from './media';
import './MediaField.css';

/** Uploader sends one file and answers what the server stored. */
export type Uploader = (file: File, onProgress: (p: UploadProgress) => void, signal: AbortSignal) => Promise<MediaView>;

export interface MediaFieldProps {
  kind: MediaKind;
  /** The address input's id; the file input is `${id}-file`. */
  id: string;
  label: string;
  hint?: string;
  /** The media address: /media/…, /assets/… or https on an allowed host. */
  value: string;
  onValue: (url: string) => void;
  /** The form's or the server's message about the address. */
  error?: string | undefined;
  upload: Uploader;
  /** Lists earlier uploads of this kind, newest first; without it there is no list to choose from. */
  earlier?: ((kind: MediaKind) => Promise<MediaView[]>) | undefined;
  /** Told of each file uploaded or chosen, after the address is filled in. */
  onUploaded?: (m: MediaView) => void;
  /** Told when an upload starts and when it ends, so the form can wait for it. */
  onBusy?: (busy: boolean) => void;
  /** The preview of what the address holds. */
  children?: ComponentChildren;
}

/**
 * MediaField is an offer's media address with an upload beside it. The
 * address can be typed (an allowed https host) or filled by uploading a
 * file, which shows a progress bar while it goes and the server's refusal,
 * if any, as the field's error. What happens is also said in a live region,
 * because the bar and the error appear away from the focused picker.
 */
export function MediaField({ kind, id, label, hint, value, onValue, error, upload, earlier, onUploaded, onBusy, children }: MediaFieldProps) {
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [fileName, setFileName] = useState('');
  const [refusal, setRefusal] = useState<string>();
  const [news, setNews] = useState('');
  const running = useRef<AbortController | null>(null);
  const picker = useRef<HTMLInputElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const list = useEarlier(kind, earlier);

  // Leaving the editor mid-upload stops the upload.
  useEffect(() => () => running.current?.abort(), []);

  // stop ends the upload under way, if any; its own ending then says nothing.
  function stop(): boolean {
    const ctl = running.current;
    if (!ctl) return false;
    running.current = null;
    ctl.abort();
    setProgress(null);
    onBusy?.(false);
    if (picker.current) picker.current.value = '';
    return true;
  }

  async function send(file: File) {
    stop();
    const early = tooBig(kind, file);
    if (early) {
      setRefusal(early);
      setNews(`Error: ${early}`);
      if (picker.current) picker.current.value = '';
      return;
    }
    const ctl = new AbortController();
    running.current = ctl;
    setRefusal(undefined);
    setFileName(file.name);
    setProgress({ loaded: 0, total: file.size });
    setNews(`Uploading ${file.name}.`);
    onBusy?.(true);
    try {
      const m = await upload(file, (p) => {
        if (running.current === ctl) setProgress(p);
      }, ctl.signal);
      if (running.current !== ctl) return;
      onValue(m.url);
      onUploaded?.(m);
      setNews(`${m.file_name || file.name} is uploaded (${formatBytes(m.bytes)}).`);
    } catch (err) {
      if (running.current !== ctl || isAbort(err)) return;
      const message = uploadError(kind, err);
      setRefusal(message);
      setNews(`Error: ${file.name} was not uploaded. ${message}`);
    } finally {
      if (running.current === ctl) {
        running.current = null;
        setProgress(null);
        onBusy?.(false);
        // The same file can be chosen again after a refusal.
        if (picker.current) picker.current.value = '';
      }
    }
  }

  function choose(m: MediaView) {
    list.close();
    opener.current?.focus();
    stop();
    setRefusal(undefined);
    onValue(m.url);
    onUploaded?.(m);
    setNews(`${m.file_name || m.url} is chosen.`);
  }

  const shown = refusal ?? error;
  const fileID = `${id}-file`;
  const limitsID = `${fileID}-limits`;
  const errorID = fieldIds(id, Boolean(hint), Boolean(shown)).error;
  return (
    <div class="kt-media" data-media={kind}>
      <div class="kt-media__inputs">
        <Field
          id={id}
          label={label}
          hint={hint}
          value={value}
          error={shown}
          onValue={(v) => {
            setRefusal(undefined);
            onValue(v);
          }}
          type="url"
          spellcheck={false}
          autocomplete="off"
        />
        <div class="kt-media__upload">
          <span class="kt-media__limits" id={limitsID}>
            Or upload {limitsText(kind)}
          </span>
          <div class="kt-media__actions">
            {/* The real file input lies over its label, which looks like a
                button: a click anywhere on it opens the picker, the keyboard
                reaches the input itself, and the ring shows on the label. */}
            <span class="kt-media__pick">
              <input
                ref={picker}
                id={fileID}
                name={fileID}
                type="file"
                class="kt-media__file"
                accept={MEDIA_RULES[kind].accept}
                aria-describedby={shown ? `${limitsID} ${errorID}` : limitsID}
                onChange={(e) => {
                  const file = e.currentTarget.files?.[0];
                  if (file) void send(file);
                }}
              />
              <label for={fileID} class="kt-button kt-button--secondary kt-media__button">
                {MEDIA_WORDS[kind].upload}
              </label>
            </span>
            {earlier && (
              <button
                ref={opener}
                type="button"
                class="kt-button kt-button--secondary"
                aria-expanded={list.open ? 'true' : 'false'}
                aria-controls={`${id}-earlier`}
                onClick={list.toggle}
              >
                {list.open ? 'Hide earlier uploads' : 'Choose an earlier upload'}
              </button>
            )}
          </div>
        </div>
      </div>
      {earlier && <EarlierList kind={kind} id={`${id}-earlier`} earlier={list} onChoose={choose} />}
      {progress && (
        <div class="kt-media__progress">
          <Progress id={`${id}-progress`} label={`Uploading ${fileName}`} value={progress.loaded} max={progress.total || null} text={progressText(progress)} />
          <Button
            variant="secondary"
            onClick={() => {
              if (stop()) setNews(`The upload of ${fileName} is cancelled.`);
            }}
          >
            Cancel the upload<span class="kt-visually-hidden"> of {fileName}</span>
          </Button>
        </div>
      )}
      <p class="kt-visually-hidden" role="status" aria-live="polite">
        {news}
      </p>
      {children}
    </div>
  );
}

/** ImagePreview shows an offer's image as a thumbnail; alt names the car. */
export function ImagePreview({ url, alt, name }: { url: string; alt: string; name: string }) {
  const [broken, setBroken] = useState(false);
  useEffect(() => setBroken(false), [url]);
  return (
    <figure class="kt-media__preview">
      <img class="kt-media__thumb" src={url} alt={alt} onError={() => setBroken(true)} />
      <figcaption class="kt-media__note">
        {broken ? `${name}: this image could not be shown. Check the address, or upload the file again.` : name}
      </figcaption>
    </figure>
  );
}

/**
 * VideoPreview plays an offer's video with its captions track, as the
 * customer's app will. A file the browser cannot play stays in view with a
 * note: the server checked its type, not that it plays.
 */
export function VideoPreview({ url, captions, name }: { url: string; captions: string; name: string }) {
  const [broken, setBroken] = useState(false);
  useEffect(() => setBroken(false), [url]);
  return (
    <figure class="kt-media__preview">
      {/* Keyed by both addresses: a <track> added to a loaded video is not always read. */}
      <video key={`${url} ${captions}`} class="kt-media__video" controls preload="metadata" src={url} onError={() => setBroken(true)}>
        {captions && <track kind="captions" src={captions} srclang="en" label="English" default />}
      </video>
      <figcaption class="kt-media__note">
        {name}
        {captions ? ', with captions.' : ', without captions yet.'}
        {broken && ' This browser could not play it: check that the file plays on your computer.'}
      </figcaption>
    </figure>
  );
}

/** How many earlier uploads the list offers: the newest, which are the likely ones. */
const EARLIER_SHOWN = 12;

/** Earlier is the state of one field's list of earlier uploads. */
interface Earlier {
  open: boolean;
  items: MediaView[] | null;
  more: boolean;
  failure: string | undefined;
  toggle: () => void;
  close: () => void;
}

/** useEarlier loads the list of earlier uploads when it is opened, and afresh each time. */
function useEarlier(kind: MediaKind, load: ((kind: MediaKind) => Promise<MediaView[]>) | undefined): Earlier {
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<MediaView[] | null>(null);
  const [more, setMore] = useState(false);
  const [failure, setFailure] = useState<string>();
  async function show() {
    if (!load) return;
    setOpen(true);
    setItems(null);
    setFailure(undefined);
    try {
      const all = await load(kind);
      setItems(all.slice(0, EARLIER_SHOWN));
      setMore(all.length > EARLIER_SHOWN);
    } catch (err) {
      setFailure(describeError(err));
    }
  }
  return { open, items, more, failure, toggle: () => (open ? setOpen(false) : void show()), close: () => setOpen(false) };
}

/**
 * EarlierList offers the financier's earlier uploads of one kind, so the
 * same file need not be sent again. Each is one large button; choosing one
 * closes the list (the field then gives focus back to the button that opened it).
 */
function EarlierList({ kind, id, earlier, onChoose }: { kind: MediaKind; id: string; earlier: Earlier; onChoose: (m: MediaView) => void }) {
  const { open, items, more, failure } = earlier;
  return (
    <div id={id} class="kt-media__earlier" hidden={!open}>
      {open && (
        <>
          <p class="kt-visually-hidden" role="status">
            {failure ? '' : items === null ? 'Loading earlier uploads…' : `${items.length} earlier ${items.length === 1 ? 'upload' : 'uploads'}.`}
          </p>
          {failure && <p class="kt-field__error">{failure}</p>}
          {items === null && !failure && (
            <p class="kt-media__note" aria-hidden="true">
              Loading…
            </p>
          )}
          {items !== null && items.length === 0 && <p class="kt-media__note">No earlier uploads of this kind yet.</p>}
          {items !== null && items.length > 0 && (
            <ul class="kt-media__choices">
              {items.map((m) => (
                <li key={m.id}>
                  <button type="button" class="kt-media__choice" onClick={() => onChoose(m)}>
                    {kind === 'image' && <img class="kt-media__choice-thumb" src={m.url} alt="" />}
                    <span class="kt-media__choice-text">
                      <span class="kt-visually-hidden">Use </span>
                      <strong>{m.file_name || m.key}</strong>
                      <span class="kt-media__choice-meta">
                        {formatBytes(m.bytes)}, uploaded {formatDateTime(new Date(m.created_at))}
                      </span>
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          {more && <p class="kt-media__note">The {EARLIER_SHOWN} newest are shown.</p>}
        </>
      )}
    </div>
  );
}
