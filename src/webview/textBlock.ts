import type { ClippedText } from '../shared/runView';
import { el, setText } from './dom';
import { formatInt } from './format';

/** Characters shown before "Show more": keeps a 200k-character line from freezing layout. */
export const PREVIEW_CHARS = 1_500;

/**
 * A model text shown as text (never parsed), cut to a preview with "Show more". The
 * expanded state lives in `expanded` (keyed by the caller) so a redraw keeps it.
 */
export interface TextBlockOptions {
  key: string;
  expanded: Set<string>;
  onToggle: () => void;
  /** Characters shown before "Show more" (default PREVIEW_CHARS). */
  previewChars?: number;
  /** Preview the end instead of the start (text still being written). */
  tail?: boolean;
}

export function textBlock(
  value: ClippedText,
  options: TextBlockOptions & { className?: string; testid?: string },
): HTMLElement {
  const box = el('div', { class: `text-block ${options.className ?? ''}`.trim(), testid: options.testid });
  const body = el('div', { class: 'text-body' });
  box.appendChild(body);
  fillTextBlock(box, value, options);
  return box;
}

/** Updates a block made by `textBlock` in place (used for streaming text). */
export function fillTextBlock(box: HTMLElement, value: ClippedText, options: TextBlockOptions): void {
  const body = box.firstElementChild as HTMLElement;
  const open = options.expanded.has(options.key);
  const preview = options.previewChars ?? PREVIEW_CHARS;
  const cut = !open && value.text.length > preview;
  const shown = !cut ? value.text : options.tail ? value.text.slice(-preview) : value.text.slice(0, preview);
  setText(body, cut && options.tail ? `…${shown}` : shown);
  const hiddenHere = value.text.length - shown.length;
  const notStored = value.length - value.text.length;
  let more = box.querySelector<HTMLElement>(':scope > .text-more');
  if (hiddenHere <= 0 && notStored <= 0 && !open) {
    more?.remove();
    return;
  }
  if (!more) {
    more = el('div', { class: 'text-more' });
    box.appendChild(more);
  }
  while (more.firstChild) more.removeChild(more.firstChild);
  if (hiddenHere > 0 || (open && value.text.length > preview)) {
    const toggle = el('button', {
      class: 'link-button',
      testid: 'show-more',
      text: open ? 'Show less' : `Show ${options.tail ? 'all' : 'more'} (${formatInt(hiddenHere)} more characters)`,
    });
    toggle.type = 'button';
    toggle.addEventListener('click', () => {
      if (options.expanded.has(options.key)) options.expanded.delete(options.key);
      else options.expanded.add(options.key);
      options.onToggle();
    });
    more.appendChild(toggle);
  }
  if (notStored > 0) {
    more.appendChild(
      el('span', {
        class: 'muted',
        text: `${formatInt(value.length)} characters in all; the panel keeps the first ${formatInt(value.text.length)} (the full text is in the run's journal).`,
      }),
    );
  }
  if (!more.firstChild) more.remove();
}
