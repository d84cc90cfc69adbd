/**
 * Imported first by each page. Under a POSIX locale (LANG=C.UTF-8) Chromium reports
 * navigator.language as 'en-US@posix', which is no BCP 47 tag: uPlot hands it to Intl.NumberFormat
 * when it loads, the RangeError stops the page's script and the dashboard stays blank. Such a
 * language is replaced by the part before '@', or 'en-US'.
 */
function usable(tag: string): boolean {
  try {
    new Intl.NumberFormat(tag);
    return true;
  } catch {
    return false;
  }
}

export function usableLanguage(tag: string): string {
  if (usable(tag)) return tag;
  const base = tag.split('@')[0];
  return base && usable(base) ? base : 'en-US';
}

if (typeof navigator !== 'undefined' && !usable(navigator.language)) {
  const language = usableLanguage(navigator.language);
  Object.defineProperty(navigator, 'language', { get: () => language, configurable: true });
}
