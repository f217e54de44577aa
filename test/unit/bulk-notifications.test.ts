import { describe, expect, it } from 'vitest';
import { composeMessage, type MessageContext, type MessageKind } from '../../src/bulk/notifications';

// docs/api/bulk-enroll.md#notifications: subjects per kind, links from LMS_ROOT_URL, footer.

const COURSE_ID = 'course-v1:edX+Demo+2019';
const base: Omit<MessageContext, 'kind'> = {
  to: 'learner@example.com',
  fullName: 'Ada Lovelace',
  courseId: COURSE_ID,
  courseName: 'Demo Course',
  lmsRootUrl: 'https://lms.example.org',
  autoEnroll: false,
};
const compose = (kind: MessageKind, overrides: Partial<MessageContext> = {}) =>
  composeMessage({ ...base, kind, ...overrides });
const lastLine = (body: string) => body.trimEnd().split('\n').at(-1) ?? '';

describe('composeMessage (#notifications)', () => {
  it.each([
    ['enrolled_enroll', 'You have been enrolled in Demo Course'],
    ['allowed_enroll', 'You have been invited to register for Demo Course'],
    ['enrolled_unenroll', 'You have been un-enrolled from Demo Course'],
    ['allowed_unenroll', 'You have been un-enrolled from Demo Course'],
  ] as const)('%s subject: %s', (kind, subject) => {
    expect(compose(kind).subject).toBe(subject);
  });

  it('subjects use the display name, not the id', () => {
    expect(compose('enrolled_enroll', { courseName: 'Ünïcode: a “course”' }).subject).toBe(
      'You have been enrolled in Ünïcode: a “course”',
    );
  });

  it('enrolled_enroll: greets by full name, names the site, links the course on the LMS', () => {
    const { body } = compose('enrolled_enroll');
    expect(body).toMatch(/^Dear Ada Lovelace/);
    expect(body).toContain('lms.example.org');
    expect(body).toContain('https://lms.example.org/courses/course-v1:edX+Demo+2019/');
    expect(body).toMatch(/dashboard/);
    expect(body).toMatch(/course staff/);
  });

  it('allowed_enroll: greets "student", register link, this e-mail, about page unless auto_enroll', () => {
    const manual = compose('allowed_enroll', { fullName: null }).body;
    expect(manual).toMatch(/^Dear student/);
    expect(manual).toContain('https://lms.example.org/register');
    expect(manual).toContain('learner@example.com');
    expect(manual).toContain('https://lms.example.org/courses/course-v1:edX+Demo+2019/about');
    expect(manual).toMatch(/course staff/);

    const auto = compose('allowed_enroll', { fullName: null, autoEnroll: true }).body;
    expect(auto).toContain('https://lms.example.org/register');
    expect(auto).not.toContain('/about');
    expect(auto).toMatch(/dashboard/);
  });

  it('enrolled_unenroll: full name, removed by staff, leaves the dashboard, other courses unaffected', () => {
    const { body } = compose('enrolled_unenroll');
    expect(body).toMatch(/^Dear Ada Lovelace/);
    expect(body).toMatch(/course staff/);
    expect(body).toMatch(/dashboard/);
    expect(body).toMatch(/other courses/i);
  });

  it('allowed_unenroll: greets "Student", disregard the invitation', () => {
    const { body } = compose('allowed_unenroll', { fullName: null });
    expect(body).toMatch(/^Dear Student/);
    expect(body).toMatch(/course staff/);
    expect(body).toMatch(/invitation/);
  });

  it.each([
    ['enrolled_enroll', 'Ada Lovelace'],
    ['enrolled_unenroll', 'Ada Lovelace'],
    ['allowed_enroll', 'learner@example.com'],
    ['allowed_unenroll', 'learner@example.com'],
  ] as const)('%s ends with the footer: sent automatically from the site to %s', (kind, recipient) => {
    const fullName = kind.startsWith('allowed') ? null : base.fullName;
    const footer = lastLine(compose(kind, { fullName }).body);
    expect(footer).toMatch(/automatically/);
    expect(footer).toContain('lms.example.org');
    expect(footer).toContain(recipient);
  });

  it('a registered learner without a full name is addressed by e-mail', () => {
    const { body } = compose('enrolled_enroll', { fullName: null });
    expect(body).toMatch(/^Dear learner@example.com/);
    expect(lastLine(body)).toContain('learner@example.com');
  });

  it('links follow LMS_ROOT_URL whatever its scheme, host and port', () => {
    const root = 'http://localhost:18000';
    const enrolled = compose('enrolled_enroll', { lmsRootUrl: root }).body;
    expect(enrolled).toContain('http://localhost:18000/courses/course-v1:edX+Demo+2019/');
    const invited = compose('allowed_enroll', { lmsRootUrl: root }).body;
    expect(invited).toContain('http://localhost:18000/register');
    expect(invited).toContain('http://localhost:18000/courses/course-v1:edX+Demo+2019/about');
    expect(invited).not.toContain('https://');
  });
});
