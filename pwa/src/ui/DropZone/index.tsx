import { useEffect, useRef, useState } from 'preact/hooks';
import { fieldIds } from '../Field/ids';
import './DropZone.css';

export interface DropZoneProps {
  id: string;
  label: string;
  hint?: string;
  error?: string | undefined;
  /** File types the picker offers, like ".csv,text/csv". */
  accept?: string;
  file: File | null;
  onFile: (file: File | null) => void;
}

const size = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });

/** formatBytes is a file size for people: 1536 → "1.5 KB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${size.format(n / 1024)} KB`;
  return `${size.format(n / (1024 * 1024))} MB`;
}

/**
 * DropZone is a file picker that also takes a file dropped on it. The
 * picker (a real, labelled file input) is the way in for keyboard, screen
 * reader and touch users; dropping is a shortcut for a mouse.
 */
export function DropZone({ id, label, hint, error, accept, file, onFile }: DropZoneProps) {
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  // A new error (a refused file) takes focus to the picker, whose
  // description then reads the error out.
  useEffect(() => {
    if (error) input.current?.focus();
  }, [error]);
  const ids = fieldIds(id, Boolean(hint), Boolean(error));
  const cls = `kt-drop${over ? ' kt-drop--over' : ''}${error ? ' kt-drop--invalid' : ''}`;
  return (
    <div
      class={cls}
      onDragEnter={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragOver={(e) => {
        e.preventDefault();
        if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
        setOver(true);
      }}
      onDragLeave={(e) => {
        // Leaving for a child of the zone is not leaving the zone.
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        const files = e.dataTransfer?.files;
        const f = files?.[0];
        if (!f) return;
        // The picker shows the dropped file too, so what it says is true.
        if (input.current && files) {
          try {
            input.current.files = files;
          } catch {
            // Older browsers keep their own list; "Chosen:" below still tells.
          }
        }
        onFile(f);
      }}
    >
      <label class="kt-drop__label" for={id}>
        {label}
      </label>
      {hint && (
        <span class="kt-drop__hint" id={ids.hint}>
          {hint}
        </span>
      )}
      {error && (
        <span class="kt-drop__error" id={ids.error}>
          <span class="kt-visually-hidden">Error: </span>
          {error}
        </span>
      )}
      <p class="kt-drop__or" aria-hidden="true">
        Drag a file here, or choose one:
      </p>
      <input
        id={id}
        name={id}
        type="file"
        ref={input}
        class="kt-drop__input"
        accept={accept}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={ids.describedBy}
        onChange={(e) => onFile(e.currentTarget.files?.[0] ?? null)}
      />
      {file && (
        <p class="kt-drop__file">
          Chosen: <strong>{file.name}</strong> ({formatBytes(file.size)})
        </p>
      )}
    </div>
  );
}
