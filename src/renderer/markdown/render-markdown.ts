// Assistant replies are Markdown. markdown-it with html:false escapes any raw HTML, so the model can
// never inject markup; links are limited by markdown-it's own URL validation (no javascript:).
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt({ html: false, linkify: true, breaks: false });

// Code blocks get a copy button. The click is handled by delegation in the component (no inline scripts).
md.renderer.rules.fence = (tokens, idx) => {
  const token = tokens[idx]!;
  const lang = token.info.trim().split(/\s+/)[0] ?? '';
  const code = md.utils.escapeHtml(token.content);
  const langClass = lang ? ` class="language-${md.utils.escapeHtml(lang)}"` : '';
  return `<div class="code-block"><button type="button" class="copy-code" aria-label="Copy code">Copy</button><pre><code${langClass}>${code}</code></pre></div>\n`;
};

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx]!;
  token.attrSet('target', '_blank');
  token.attrSet('rel', 'noopener noreferrer');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

export function renderMarkdown(text: string): string {
  return md.render(text);
}
