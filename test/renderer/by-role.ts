// Find elements as a user (or a screen reader) would: by role and accessible name. A small subset of
// WAI-ARIA's role and name computation, enough for the renderer's markup.

const IMPLICIT_ROLES: Array<[selector: string, role: string]> = [
  ['button', 'button'],
  ['a[href]', 'link'],
  ['textarea', 'textbox'],
  ['input[type=radio]', 'radio'],
  ['input[type=checkbox]', 'checkbox'],
  ['input[type=search]', 'searchbox'],
  ['input:not([type]), input[type=text], input[type=password], input[type=email], input[type=url], input[type=number]', 'textbox'],
  ['select', 'combobox'],
  ['article', 'article'],
  ['nav', 'navigation'],
  ['main', 'main'],
  ['ol, ul', 'list'],
  ['li', 'listitem'],
  ['h1, h2, h3, h4, h5, h6', 'heading'],
  ['fieldset', 'group'],
  ['dialog', 'dialog'],
  ['form', 'form'],
];

export function roleOf(el: Element): string | null {
  const explicit = el.getAttribute('role');
  if (explicit) return explicit.split(/\s+/)[0]!;
  for (const [selector, role] of IMPLICIT_ROLES) if (el.matches(selector)) return role;
  if (el.matches('section') && (el.hasAttribute('aria-label') || el.hasAttribute('aria-labelledby'))) return 'region';
  return null;
}

function isHidden(el: Element): boolean {
  for (let e: Element | null = el; e; e = e.parentElement) {
    if (e.hasAttribute('hidden') || e.getAttribute('aria-hidden') === 'true' || e.hasAttribute('inert')) return true;
  }
  return false;
}

function normalize(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function textOf(el: Element): string {
  return normalize(el.textContent ?? '');
}

export function accessibleName(el: Element): string {
  const doc = el.ownerDocument;
  const labelledBy = el.getAttribute('aria-labelledby');
  if (labelledBy) return normalize(labelledBy.split(/\s+/).map((id) => textOf(doc.getElementById(id) ?? doc.createElement('span'))).join(' '));
  const label = el.getAttribute('aria-label');
  if (label) return normalize(label);
  if (el.matches('input, textarea, select')) {
    const id = el.getAttribute('id');
    const forLabel = id ? doc.querySelector(`label[for="${id}"]`) : null;
    const wrapping = el.closest('label');
    if (forLabel) return textOf(forLabel);
    if (wrapping) return textOf(wrapping);
    return normalize(el.getAttribute('title') ?? el.getAttribute('placeholder') ?? '');
  }
  if (el.matches('fieldset')) {
    const legend = el.querySelector(':scope > legend');
    return legend ? textOf(legend) : '';
  }
  if (el.matches('button, a, [role=tab], [role=button], h1, h2, h3, h4, h5, h6, label')) return textOf(el) || normalize(el.getAttribute('title') ?? '');
  return normalize(el.getAttribute('title') ?? '');
}

export interface RoleQuery {
  name?: string | RegExp;
  /** Include hidden and inert elements (off by default, as for a user). */
  hidden?: boolean;
}

function nameMatches(el: Element, name: RoleQuery['name']): boolean {
  if (name === undefined) return true;
  const actual = accessibleName(el);
  return typeof name === 'string' ? actual === name : name.test(actual);
}

export function queryAllByRole(root: ParentNode, role: string, query: RoleQuery = {}): HTMLElement[] {
  return Array.from(root.querySelectorAll('*')).filter(
    (el): el is HTMLElement => roleOf(el) === role && (query.hidden || !isHidden(el)) && nameMatches(el, query.name),
  );
}

export function getByRole(root: ParentNode, role: string, query: RoleQuery = {}): HTMLElement {
  const found = queryAllByRole(root, role, query);
  if (found.length !== 1) {
    const all = queryAllByRole(root, role, { hidden: query.hidden }).map((el) => JSON.stringify(accessibleName(el)));
    throw new Error(`expected one ${role} named ${String(query.name ?? '(any)')}, found ${found.length}; ${role}s here: ${all.join(', ') || 'none'}`);
  }
  return found[0]!;
}

export function queryByRole(root: ParentNode, role: string, query: RoleQuery = {}): HTMLElement | null {
  return queryAllByRole(root, role, query)[0] ?? null;
}
