// Installed as a package (scripts/check-client-package.mjs packs client/, installs the tarball into a
// scratch project and type-checks this file against the built declarations).
import { type components, createEnrollmentClient } from '@edx-enrollment-edge/client';

type Schemas = components['schemas'];

const BASE_URL = 'http://127.0.0.1:8787';
const COURSE_ID = 'course-v1:edX+DemoX+Demo_Course';

export async function enrollInDemoCourse(token: string): Promise<Schemas['Enrollment'] | undefined> {
  // Course details are public: no credentials.
  const anonymous = createEnrollmentClient(BASE_URL);
  const course = await anonymous.GET('/api/enrollment/v1/course/{course_id}', {
    params: { path: { course_id: COURSE_ID }, query: { include_expired: '1' } },
  });
  if (course.error) {
    // The union of this operation's documented error bodies: 400, 429, 500.
    const error: Schemas['MessageError'] | Schemas['DetailError'] | Schemas['ServiceError'] = course.error;
    if ('message' in error) console.error(`${course.response.status}: ${error.message}`);
    else if ('detail' in error) console.error(`${course.response.status}: ${error.detail}`);
    else console.error(`${error.error_code}: ${error.developer_message}`);
    return undefined;
  }
  const slugs: string[] = course.data.course_modes.map((mode) => mode.slug);
  const mode = slugs.includes('verified') ? 'verified' : 'audit';

  const learner = createEnrollmentClient(BASE_URL, { token });
  const enrolled = await learner.POST('/api/enrollment/v1/enrollment', {
    body: { course_details: { course_id: COURSE_ID }, mode },
  });
  if (enrolled.error) {
    // 400 / 406 `{ message }`, 401 / 403 / 404 / 429 `{ detail }`, 413 / 500 `{ error_code, … }`.
    console.error(enrolled.response.status, enrolled.error);
    return undefined;
  }
  return enrolled.data;
}

export async function firstAdminPage(apiKey: string) {
  const admin = createEnrollmentClient(BASE_URL, { apiKey });
  // page_size is an integer in the document, so a number here.
  const page = await admin.GET('/api/enrollment/v1/enrollments', { params: { query: { page_size: 50 } } });
  // @ts-expect-error — and not a string.
  await admin.GET('/api/enrollment/v1/enrollments', { params: { query: { page_size: '50' } } });
  return page.data?.results;
}
