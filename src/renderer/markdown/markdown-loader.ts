// markdown-it is a quarter of the renderer's JavaScript and nothing needs it before the first reply is
// shown, so it is a chunk of its own, loaded once the window is up (index.tsx) or as soon as a reply
// is shown; until then a reply is its plain text.

import type * as RenderMarkdown from './render-markdown';

type MarkdownRenderers = typeof RenderMarkdown;

let loaded: MarkdownRenderers | undefined;
let loading: Promise<MarkdownRenderers> | undefined;
const waiting = new Set<() => void>();

export function loadMarkdown(): Promise<MarkdownRenderers> {
  loading ??= import('./render-markdown').then((renderers) => {
    loaded = renderers;
    for (const notify of waiting) notify();
    waiting.clear();
    return renderers;
  });
  return loading;
}

/** The renderers once loaded (undefined before). */
export function markdownRenderers(): MarkdownRenderers | undefined {
  return loaded;
}

/** Calls `notify` once the renderers are loaded; returns the unsubscribe function. */
export function onMarkdownLoaded(notify: () => void): () => void {
  if (loaded) return () => undefined;
  waiting.add(notify);
  void loadMarkdown();
  return () => waiting.delete(notify);
}
