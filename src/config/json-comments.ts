/**
 * Blanks out what .NET's appsettings reader tolerates but JSON.parse does not: `//` and
 * `/* *\/` comments and trailing commas before `}` or `]`. Each removed character
 * becomes a space (newlines are kept), so positions in JSON.parse errors still point
 * at the right place in the file. Text inside strings is left alone; an unterminated
 * block comment is left as is, for JSON.parse to report.
 */
export function blankJsonExtensions(text: string): string {
  return blankTrailingCommas(blankComments(text));
}

function blank(text: string): string {
  return text.replace(/[^\r\n]/g, ' ');
}

// Index just past the string literal opening at `start` (or the text's end).
function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}

function blankComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      const end = endOfString(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (c === '/' && text[i + 1] === '/') {
      const newline = text.indexOf('\n', i);
      const end = newline === -1 ? text.length : newline;
      out += blank(text.slice(i, end));
      i = end;
    } else if (c === '/' && text[i + 1] === '*' && text.includes('*/', i + 2)) {
      const end = text.indexOf('*/', i + 2) + 2;
      out += blank(text.slice(i, end));
      i = end;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

// Whitespace then a closing bracket, matched exactly at lastIndex.
const CLOSING_AHEAD = /\s*[}\]]/y;

function blankTrailingCommas(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      const end = endOfString(text, i);
      out += text.slice(i, end);
      i = end;
    } else {
      CLOSING_AHEAD.lastIndex = i + 1;
      const trailing = c === ',' && CLOSING_AHEAD.test(text);
      out += trailing ? ' ' : c;
      i += 1;
    }
  }
  return out;
}
