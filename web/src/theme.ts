/** Dark and light themes: the choice is kept in localStorage (not a secret); without one, the system's preference. */
const THEME_ITEM = 'weft.theme';
export type Theme = 'dark' | 'light';

export function currentTheme(): Theme {
  const chosen = localStorage.getItem(THEME_ITEM);
  if (chosen === 'dark' || chosen === 'light') return chosen;
  return matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

/** Sets the theme before the first paint, so the page does not flash the other one. */
export function applyStoredTheme(): void {
  document.documentElement.dataset.theme = currentTheme();
}

export function setTheme(theme: Theme): void {
  localStorage.setItem(THEME_ITEM, theme);
  document.documentElement.dataset.theme = theme;
}
