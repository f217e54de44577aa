// Export rows (auth_user / student_courseenrollment column names, CSV or NDJSON) → import lines.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';

const TRUE = new Set(['1', 'true', 't', 'yes', 'y']);
const FALSE = new Set(['0', 'false', 'f', 'no', 'n', '']);

/** A CSV cell or JSON value as a boolean; anything else is passed on for the service to refuse. */
export function toBoolean(value) {
  if (typeof value === 'boolean' || value === undefined || value === null) return value ?? undefined;
  const text = String(value).trim().toLowerCase();
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  return value;
}

/** MySQL's `2019-09-01 10:00:00.123456` (UTC, no zone) → ISO 8601 with `Z`; zoned values kept. */
export function toDateTime(value) {
  if (value === undefined || value === null || value === '') return undefined;
  const text = String(value).trim();
  const naive = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?$/.exec(text);
  if (!naive) return text;
  const millis = naive[3] ? naive[3].slice(0, 4).padEnd(4, '0') : '';
  return `${naive[1]}T${naive[2]}${millis}Z`;
}

const present = (value) => value !== undefined && value !== null && value !== '';
const pick = (entries) => Object.fromEntries(entries.filter(([, v]) => v !== undefined));

/** An `auth_user` row (or a provisioning-shaped one) as a users import line. */
export function userLine(row) {
  const name = present(row.name) ? row.name : [row.first_name, row.last_name].filter(present).join(' ');
  return pick([
    ['username', row.username],
    ['email', row.email],
    ['name', present(row.name) || present(row.first_name) || present(row.last_name) ? name : undefined],
    ['is_staff', toBoolean(row.is_staff)],
    ['is_superuser', toBoolean(row.is_superuser)],
    ['is_active', toBoolean(row.is_active)],
    ['country', present(row.country) ? row.country : undefined],
    ['language', present(row.language) ? row.language : undefined],
  ]);
}

/** A `student_courseenrollment` row as an enrollments import line; `usernames` maps `user_id`. */
export function enrollmentLine(row, usernames) {
  const username = present(row.username) ? row.username : usernames?.get(String(row.user_id));
  return pick([
    ['username', username ?? (present(row.user_id) ? `user_id:${row.user_id}` : undefined)],
    ['course_id', row.course_id],
    ['mode', row.mode],
    ['is_active', toBoolean(row.is_active)],
    ['created', toDateTime(row.created)],
  ]);
}

const isNdjson = (file) => /\.(ndjson|jsonl)$/i.test(file);

/**
 * The file's records in order, each with the line it starts on (CSV: the parser's line of the
 * record; NDJSON: the file line). A line that is not JSON is yielded as `{ line, invalid }`.
 */
export async function* records(file) {
  if (isNdjson(file)) {
    let line = 0;
    for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
      line += 1;
      if (text.trim() === '') continue;
      try {
        yield { line, row: JSON.parse(text) };
      } catch {
        yield { line, invalid: text };
      }
    }
    return;
  }
  const parser = createReadStream(file).pipe(parse({ columns: true, info: true, bom: true, skip_empty_lines: true }));
  for await (const { record, info } of parser) yield { line: info.lines, row: record };
}

/** `user_id` → username from an `auth_user` export (for `--users`). */
export async function usernamesById(file) {
  const map = new Map();
  for await (const { row } of records(file)) if (row?.id !== undefined) map.set(String(row.id), row.username);
  return map;
}
