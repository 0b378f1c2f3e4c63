/**
 * A token of styles/tokens.css as it applies to `el`, for APIs that take a colour value rather than
 * CSS (xterm's theme). Read when called: a theme switch later does not reach what it was given.
 */
export function cssToken(el: Element, name: `--${string}`): string {
  return getComputedStyle(el).getPropertyValue(name).trim();
}
