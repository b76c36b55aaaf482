/** A GitHub-flavoured Markdown table; columns whose header starts with a space are right-aligned. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const line = (cells: readonly string[]) => `| ${cells.map((c) => cell(c.trim())).join(' | ')} |`;
  const align = headers.map((h) => (h.startsWith(' ') ? '---:' : '---'));
  return [line(headers), `| ${align.join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** One benchmark's section: heading, what was measured, the table, notes. */
export interface Section {
  title: string;
  intro: string;
  table: string;
  notes?: string[];
}

export function renderSection(s: Section): string {
  return [`## ${s.title}`, '', s.intro, '', s.table, ...(s.notes?.length ? ['', ...s.notes.map((n) => `- ${n}`)] : [])].join('\n');
}
