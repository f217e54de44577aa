// The notification e-mails of docs/api/bulk-enroll.md#notifications, queued in the outbox (delivery is outside the
// service). Texts follow upstream's templates; `{scheme}://{site}` is LMS_ROOT_URL.

export type MessageKind = 'enrolled_enroll' | 'allowed_enroll' | 'enrolled_unenroll' | 'allowed_unenroll';

export interface MessageContext {
  kind: MessageKind;
  to: string;
  /** Learner's full name when known (registered users). */
  fullName: string | null;
  courseId: string;
  courseName: string;
  lmsRootUrl: string;
  autoEnroll: boolean;
}

export interface Message {
  subject: string;
  body: string;
}

const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
};

export function composeMessage(m: MessageContext): Message {
  const site = hostOf(m.lmsRootUrl);
  const courseUrl = `${m.lmsRootUrl}/courses/${m.courseId}/`;
  const name = m.fullName || m.to;
  const footer = (recipient: string) => `----\nThis email was automatically sent from ${site} to ${recipient}`;
  switch (m.kind) {
    case 'enrolled_enroll':
      return {
        subject: `You have been enrolled in ${m.courseName}`,
        body: [
          `Dear ${name}`,
          `You have been enrolled in ${m.courseName} at ${site} by a member of the course staff. This course will now appear on your ${site} dashboard.`,
          `To start accessing course materials, please visit ${courseUrl}`,
          footer(name),
        ].join('\n\n'),
      };
    case 'allowed_enroll': {
      const next = m.autoEnroll
        ? `Once you have registered and activated your account, you will see ${m.courseName} listed on your dashboard.`
        : `Once you have registered and activated your account, visit ${m.lmsRootUrl}/courses/${m.courseId}/about to join the course.`;
      return {
        subject: `You have been invited to register for ${m.courseName}`,
        body: [
          'Dear student,',
          `You have been invited to join ${m.courseName} at ${site} by a member of the course staff.`,
          `To finish your registration, please visit ${m.lmsRootUrl}/register and fill out the registration form making sure to use ${m.to} in the Email field.`,
          next,
          footer(m.to),
        ].join('\n\n'),
      };
    }
    case 'enrolled_unenroll':
      return {
        subject: `You have been un-enrolled from ${m.courseName}`,
        body: [
          `Dear ${name}`,
          `You have been un-enrolled from ${m.courseName} at ${site} by a member of the course staff. This course will no longer appear on your ${site} dashboard.`,
          'Your other courses have not been affected.',
          footer(name),
        ].join('\n\n'),
      };
    case 'allowed_unenroll':
      return {
        subject: `You have been un-enrolled from ${m.courseName}`,
        body: [
          'Dear Student,',
          `You have been un-enrolled from course ${m.courseName} by a member of the course staff. Please disregard the invitation previously sent.`,
          footer(m.to),
        ].join('\n\n'),
      };
  }
}
