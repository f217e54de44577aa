// Catalog program rules (docs/api/programs.md#catalog), pure: the active curriculum, the runs the
// course-level writes accept, and "all runs of a program" (overview, read-only access list).

export interface RunRef {
  key: string;
}
export interface CourseRef {
  course_runs: RunRef[];
}
export interface CurriculumShape {
  uuid: string;
  is_active: boolean;
  courses: CourseRef[];
  programs: ProgramShape[];
}
export interface ProgramShape {
  courses: CourseRef[];
  curricula: CurriculumShape[];
}

/** The first curriculum (in list order) with `is_active: true`, or null. */
export const activeCurriculum = <C extends { is_active: boolean }>(program: { curricula: C[] }): C | null =>
  program.curricula.find((c) => c.is_active) ?? null;

const runsOf = (container: { courses: CourseRef[] }) =>
  container.courses.flatMap((course) => course.course_runs.map((run) => run.key));

/**
 * Upstream `course_run_keys_for_program`: the active curriculum's runs, the top-level courses' runs,
 * and the same, recursively, for the programs listed in the active curriculum.
 */
export function allRuns(program: ProgramShape): string[] {
  const active = activeCurriculum(program);
  return [...(active ? runsOf(active) : []), ...runsOf(program), ...(active?.programs ?? []).flatMap(allRuns)];
}

/**
 * One row per distinct run of the program, flagged when it is in the program's own active
 * curriculum (only those accept program-course writes; top-level `courses` and child programs do not).
 */
export function programRuns(program: ProgramShape): { courseId: string; inActiveCurriculum: boolean }[] {
  const active = activeCurriculum(program);
  const inActive = new Set(active ? runsOf(active) : []);
  return [...new Set(allRuns(program))].map((courseId) => ({ courseId, inActiveCurriculum: inActive.has(courseId) }));
}
