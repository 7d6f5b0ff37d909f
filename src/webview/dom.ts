import { ICONS, type IconName } from './icons';

/**
 * The only way the panel builds DOM. Model text reaches the page through `setText`
 * (`textContent`), never through `innerHTML` or an attribute, so no string from a model
 * can become an element, an attribute or a script. Attribute values here come from
 * code: class names, test ids, ARIA labels made from numbers and fixed words.
 */

/** Characters that reorder or hide text (bidi overrides and isolates, marks, zero-width and invisible format characters). */
// eslint-disable-next-line no-control-regex
const INVISIBLE_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200B-\u200F\u2060-\u2064\uFEFF\u180E\u061C\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/**
 * Makes invisible control characters visible (`⟨U+202E⟩`): an RTL override in a model
 * answer must not flip what the user reads around it.
 */
export function visibleText(text: string): string {
  return text.replace(INVISIBLE_CONTROLS, (c) => `⟨U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}⟩`);
}

export function setText(node: Element, text: string): void {
  const t = visibleText(text);
  if (node.textContent !== t) node.textContent = t;
}

export interface ElOptions {
  class?: string;
  testid?: string;
  id?: string;
  title?: string;
  role?: string;
  ariaLabel?: string;
  text?: string;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: ElOptions = {},
  ...children: (Node | null | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (options.class) node.className = options.class;
  if (options.testid) node.setAttribute('data-testid', options.testid);
  if (options.id) node.id = options.id;
  if (options.title) node.title = visibleText(options.title);
  if (options.role) node.setAttribute('role', options.role);
  if (options.ariaLabel) node.setAttribute('aria-label', visibleText(options.ariaLabel));
  if (options.text !== undefined) setText(node, options.text);
  for (const c of children) if (c) node.appendChild(c);
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function icon(name: IconName, className = 'icon'): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('width', '16');
  svg.setAttribute('height', '16');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', className);
  for (const p of ICONS[name]) {
    const path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', p.d);
    if (p.evenodd) path.setAttribute('fill-rule', 'evenodd');
    svg.appendChild(path);
  }
  return svg;
}

export function button(
  label: string,
  options: { icon?: IconName; testid: string; secondary?: boolean; title?: string; onClick: () => void },
): HTMLButtonElement {
  const b = el('button', { class: options.secondary ? 'btn btn-secondary' : 'btn', testid: options.testid, title: options.title });
  b.type = 'button';
  if (options.icon) b.appendChild(icon(options.icon));
  b.appendChild(el('span', { text: label }));
  b.addEventListener('click', options.onClick);
  return b;
}

export function clear(node: Element): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}
