// One rendered Markdown body. The HTML comes from markdown-it with html:false (raw HTML escaped), so
// setting it is safe; copy buttons work by delegation because the CSP forbids inline handlers.
import { useMemo, useSyncExternalStore, type MouseEvent } from 'react';
import { markdownRenderers, onMarkdownLoaded } from '../markdown/markdown-loader';

function onCopyClick(event: MouseEvent<HTMLDivElement>) {
  const button = (event.target as HTMLElement).closest('button.copy-code');
  if (!button) return;
  const code = button.closest('.code-block')?.querySelector('code')?.textContent ?? '';
  const done = () => {
    button.textContent = 'Copied';
    setTimeout(() => (button.textContent = 'Copy'), 1500);
  };
  // The clipboard API exists only in secure contexts; elsewhere the button says so.
  if (navigator.clipboard) navigator.clipboard.writeText(code).then(done, () => (button.textContent = 'Copy failed'));
  else button.textContent = 'Copy unavailable';
}

/** `streaming`: the text still grows, so its intermediate renderings are not worth keeping. */
export function MarkdownMessage({ text, streaming }: { text: string; streaming: boolean }) {
  const renderers = useSyncExternalStore(onMarkdownLoaded, markdownRenderers);
  const html = useMemo(() => renderers && (streaming ? renderers.renderMarkdown(text) : renderers.renderSettledMarkdown(text)), [renderers, text, streaming]);
  // Until markdown-it has loaded (the first moments after the page opened): the text as it is.
  if (html === undefined) return <div className="markdown markdown-pending">{text}</div>;
  return <div className="markdown" onClick={onCopyClick} dangerouslySetInnerHTML={{ __html: html }} />;
}
