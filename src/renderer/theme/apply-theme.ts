// The saved theme wins; "system" leaves it to prefers-color-scheme in the CSS.
import type { Theme } from '../../shared/settings';

export function applyTheme(theme: Theme): void {
  const root = document.documentElement;
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
}
