// Assistant replies are Markdown. markdown-it with html:false escapes any raw HTML, so the model can
// never inject markup; links are limited by markdown-it's own URL validation (no javascript:).
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt({ html: false, linkify: true, breaks: false });

// Code blocks get a header with their language and a copy button, above the code so it never covers
// it. The click is handled by delegation in the component (no inline scripts).
md.renderer.rules.fence = (tokens, idx) => {
  const token = tokens[idx]!;
  const lang = md.utils.escapeHtml(token.info.trim().split(/\s+/)[0] ?? '');
  const code = md.utils.escapeHtml(token.content);
  const langClass = lang ? ` class="language-${lang}"` : '';
  return (
    `<div class="code-block"><div class="code-head"><span class="code-lang">${lang}</span>` +
    `<button type="button" class="copy-code" aria-label="Copy code">Copy</button></div><pre><code${langClass}>${code}</code></pre></div>\n`
  );
};

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx]!;
  token.attrSet('target', '_blank');
  token.attrSet('rel', 'noopener noreferrer');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

// Images become links: every host's CSP refuses remote images (a broken icon at best), and loading
// one would tell its server that the reply was read.
md.renderer.rules.image = (tokens, idx) => {
  const token = tokens[idx]!;
  const src = md.utils.escapeHtml(String(token.attrGet('src') ?? ''));
  const alt = md.utils.escapeHtml(token.content || 'image');
  return `<a href="${src}" target="_blank" rel="noopener noreferrer">Image: ${alt}</a>`;
};

export function renderMarkdown(text: string): string {
  return md.render(text);
}

/** Enough for the rows in view and their overscan many times over. */
const SETTLED_CACHE_SIZE = 400;
const settled = new Map<string, string>();

/**
 * For replies that no longer change. The virtual list unmounts rows that scroll out of view and mounts
 * them again on the way back; reusing their HTML keeps scrolling a long history free of re-parsing.
 */
export function renderSettledMarkdown(text: string): string {
  const cached = settled.get(text);
  if (cached !== undefined) {
    // Most recently used last, so the oldest entry is the first one evicted.
    settled.delete(text);
    settled.set(text, cached);
    return cached;
  }
  const html = md.render(text);
  settled.set(text, html);
  if (settled.size > SETTLED_CACHE_SIZE) settled.delete(settled.keys().next().value!);
  return html;
}
