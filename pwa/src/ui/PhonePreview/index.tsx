import type { ComponentChildren } from 'preact';
import './PhonePreview.css';

export interface PhoneMessage {
  channel: 'push' | 'email';
  /** Push title or email subject. */
  heading: string;
  body: string;
  /** Who it is from: the app's or the financier's name. */
  from: string;
  /** When it falls due, in words ("Due 12 March 2027"). */
  when: string;
  /** The app path the message opens. */
  opens: string;
}

/**
 * PhonePreview draws a message on a phone-sized screen: a push on the lock
 * screen (as it shows before the tap, with no name and no figures), or an
 * email in the inbox list and opened. It is a picture of text, so the text
 * is real text and the frame is decoration.
 */
export function PhonePreview({ message: m, caption }: { message: PhoneMessage; caption: ComponentChildren }) {
  return (
    <figure class="kt-phone">
      <div class="kt-phone__screen">
        {m.channel === 'push' ? (
          <>
            <p class="kt-phone__clock" aria-hidden="true">
              9:41
            </p>
            <div class="kt-phone__push">
              <p class="kt-phone__app">
                <span class="kt-phone__icon" aria-hidden="true" />
                {m.from}
                <span class="kt-phone__time">now</span>
              </p>
              <p class="kt-phone__title">{m.heading}</p>
              <p class="kt-phone__body">{m.body}</p>
            </div>
          </>
        ) : (
          <>
            <div class="kt-phone__inbox">
              <p class="kt-phone__from">{m.from}</p>
              <p class="kt-phone__title">{m.heading}</p>
            </div>
            <div class="kt-phone__email">
              {m.body.split('\n').map((line, i) => (line.trim() ? <p key={i}>{line}</p> : null))}
            </div>
          </>
        )}
        <p class="kt-phone__opens">
          Opens <code>{m.opens}</code>
        </p>
      </div>
      <figcaption class="kt-phone__caption">
        {caption}
        <span class="kt-phone__when">{m.when}</span>
      </figcaption>
    </figure>
  );
}
