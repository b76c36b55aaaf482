/** Times are shown in Beijing time (Asia/Shanghai, UTC+8 all year) whatever the reviewer's computer says. */
const BEIJING_OFFSET_MS = 8 * 3600_000;

const formatter = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

/** 2026/02/11 24:00 style → "2026-02-11 18:30" (Beijing time); "—" for nothing. */
export function formatBeijing(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts = Object.fromEntries(formatter.formatToParts(d).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** ISO instant → the value of an <input type="datetime-local"> showing Beijing wall-clock time ("2026-02-20T18:30"). */
export function toBeijingInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Date(d.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 16);
}

/** The datetime-local value read as Beijing time → ISO instant (UTC); null when empty or invalid. */
export function fromBeijingInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const withSeconds = value.length === 16 ? `${value}:00` : value;
  const d = new Date(`${withSeconds}+08:00`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
