// Line numbers. hcl2json's JSON carries no positions, so we find them in the source text: the line
// of a block header (`resource "t" "n" {`), then the n-th `name =` / `name {` / `dynamic "name"`
// inside that block's brace range, and so on down a path. Braces are counted after dropping
// "strings" and comments; heredocs are not understood. Good enough to point at the right line
// in ordinary Terraform; when nothing is found, the enclosing block's line is used.
export class Source {
  constructor(text) {
    this.lines = text.split('\n');
    this.depthDelta = this.lines.map((l) => {
      const s = l.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/(#|\/\/).*$/, '');
      return (s.match(/\{/g) || []).length - (s.match(/\}/g) || []).length;
    });
  }

  /** 0-based index of the first line matching re within [from, to). */
  find(re, from = 0, to = this.lines.length, nth = 0) {
    for (let i = from; i < to; i++) {
      if (re.test(this.lines[i]) && nth-- === 0) return i;
    }
    return -1;
  }

  /** Last line (exclusive bound) of the block whose header is on line `start`. */
  end(start) {
    let depth = 0;
    let opened = false;
    for (let i = start; i < this.lines.length; i++) {
      depth += this.depthDelta[i];
      if (this.lines[i].includes('{')) opened = true;
      if (opened && depth <= 0) return i + 1;
    }
    return this.lines.length;
  }

  /** Header line of a top-level block, e.g. header('resource', 'google_x', 'name'). */
  header(kind, ...labels) {
    const lab = labels.map((l) => `\\s+"?${esc(l)}"?`).join('');
    return this.find(new RegExp(`^\\s*${kind}${lab}\\s*\\{`));
  }

  /** Line of a path [[key, index], ...] below a block header; falls back to the deepest found. */
  locate(start, steps) {
    let line = start;
    let to = this.end(start);
    for (const [key, nth] of steps) {
      const re = new RegExp(`^\\s*(?:"?${esc(key)}"?\\s*(?:=|\\{)|dynamic\\s+"${esc(key)}")`);
      const i = this.find(re, line + 1, to, nth || 0);
      if (i < 0) break;
      line = i;
      to = this.end(i);
    }
    return line;
  }

  /** First line in [from, to) whose text contains `needle` as a whole token. */
  token(needle, from = 0, to = this.lines.length, nth = 0) {
    return this.find(new RegExp(`(?<![\\w.])${esc(needle)}(?![\\w-])`), from, to, nth);
  }
}

export function esc(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
