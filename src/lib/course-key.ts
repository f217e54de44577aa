/**
 * Course run keys (opaque-keys grammar, docs/api/bulk-enroll.md#validation): `course-v1:ORG+COURSE+RUN`, each part
 * non-empty and made of word characters (Unicode letters, digits, `_`) plus `-`, `~`, `.`, `:`;
 * the legacy slash form `ORG/COURSE/RUN` is accepted too.
 */
export interface CourseKey {
  org: string;
  course: string;
  run: string;
  /** The key as stored and echoed (the input, which is already canonical when it parses). */
  id: string;
}

const PART = String.raw`[\p{L}\p{N}\p{M}_\-~.:]+`;
const NEW_STYLE = new RegExp(`^course-v1:(${PART})\\+(${PART})\\+(${PART})$`, 'u');
const SLASH_STYLE = new RegExp(`^(${PART})/(${PART})/(${PART})$`, 'u');
/** The grammar as an unanchored, group-free pattern source (for documented schemas; length not included). */
export const COURSE_KEY_PATTERN = `course-v1:${PART}\\+${PART}\\+${PART}|${PART}/${PART}/${PART}`;

export function parseCourseKey(value: string): CourseKey | null {
  if (value.length > 255) return null;
  const match = NEW_STYLE.exec(value) ?? SLASH_STYLE.exec(value);
  if (!match) return null;
  const [, org, course, run] = match as unknown as [string, string, string, string];
  return { org, course, run, id: value };
}

export const isCourseKey = (value: string): boolean => parseCourseKey(value) !== null;
