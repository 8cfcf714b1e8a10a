/** Text styling with ANSI SGR escapes; every method is the identity when colour is off. */
export interface AnsiStyle {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  magenta(text: string): string;
  /** Black on yellow: for what must not be missed (soft-close extensions). */
  alarm(text: string): string;
}

function sgr(open: string, close: string, enabled: boolean): (text: string) => string {
  return enabled ? (text) => `\u001b[${open}m${text}\u001b[${close}m` : (text) => text;
}

/** A style that colours when `enabled`. */
export function createAnsiStyle(enabled: boolean): AnsiStyle {
  return {
    bold: sgr('1', '22', enabled),
    dim: sgr('2', '22', enabled),
    red: sgr('31', '39', enabled),
    green: sgr('32', '39', enabled),
    yellow: sgr('33', '39', enabled),
    cyan: sgr('36', '39', enabled),
    magenta: sgr('35', '39', enabled),
    alarm: sgr('1;30;43', '0', enabled),
  };
}

/** The visible length of a string that may hold SGR escapes. */
function visibleLength(text: string): number {
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}

/**
 * Cut a string holding SGR escapes to `width` visible characters. A wrapped line would break
 * the in-place redraw, which moves the cursor up by a fixed number of lines.
 */
export function fitToWidth(text: string, width: number): string {
  if (visibleLength(text) <= width) return text;
  let out = '';
  let visible = 0;
  for (let i = 0; i < text.length && visible < width; ) {
    const escape = /^\u001b\[[0-9;]*m/.exec(text.slice(i));
    if (escape !== null) {
      out += escape[0];
      i += escape[0].length;
      continue;
    }
    out += text[i];
    visible++;
    i++;
  }
  return `${out}\u001b[0m`;
}
