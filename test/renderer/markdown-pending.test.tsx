// @vitest-environment happy-dom
// markdown-it is its own chunk (markdown-loader.ts): a reply shown before it has loaded is its plain
// text (escaped like any React text, so raw HTML stays text), and the same element turns into rendered
// Markdown once it is there.
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import { MarkdownMessage } from '../../src/renderer/components/MarkdownMessage';
import { loadMarkdown, markdownRenderers } from '../../src/renderer/markdown/markdown-loader';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

describe('a reply before markdown-it has loaded', () => {
  it('shows the plain text, then the rendered Markdown', async () => {
    expect(markdownRenderers()).toBeUndefined();
    const container = document.createElement('div');
    document.body.appendChild(container);
    const root = createRoot(container);
    const text = 'Some **bold** text <img src=x onerror=alert(1)>';
    act(() => root.render(<MarkdownMessage text={text} streaming={false} />));
    const pending = container.querySelector('.markdown-pending');
    expect(pending?.textContent).toBe(text);
    expect(container.querySelector('img, strong')).toBeNull();

    await act(async () => {
      await loadMarkdown();
    });
    expect(container.querySelector('.markdown-pending')).toBeNull();
    expect(container.querySelector('.markdown strong')?.textContent).toBe('bold');
    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent).toContain('<img src=x onerror=alert(1)>');
    act(() => root.unmount());
    container.remove();
  });
});
