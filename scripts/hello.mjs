// Banner printed by `npm start` before `wrangler dev`: ready-to-paste requests against the seeded catalog.
import { DEV_ORIGIN, ensureDevVars, readDevVars, signDevToken } from './dev-env.mjs';

if (ensureDevVars()) console.log('Created .dev.vars from .dev.vars.example (local development values only).');

const course = 'course-v1:edX+DemoX+Demo_Course';
const token = await signDevToken('alice');
const staffToken = await signDevToken('staff', { staff: true });
const body = JSON.stringify({ course_details: { course_id: course } });
const apiKey = readDevVars().EDX_API_KEY || 'dev-only-api-key';

console.log(`
Seeded: courses ${course} (audit+verified), course-v1:edX+UpgradeX+2024 (verified expired),
course-v1:edX+InviteX+2025 (invite only), course-v1:edX+EmbargoX+2025 (CU, IR blocked),
course-v1:OpenX+SelfPaced+2025 (self-paced); users alice, bob (enrolled in the demo course),
carol (course staff of the demo course), staff (global staff).

Try these once wrangler dev has started (its own line below says when), against ${DEV_ORIGIN}:

  # course enrollment details (public)
  curl -s '${DEV_ORIGIN}/api/enrollment/v1/course/${course}'

  # enroll alice (dev token valid for a day; make more with: npm run token -- <username> [--staff])
  curl -s -X POST '${DEV_ORIGIN}/api/enrollment/v1/enrollment' \\
    -H 'Authorization: JWT ${token}' \\
    -H 'Content-Type: application/json' \\
    -d '${body}'

  # alice's enrollments
  curl -s '${DEV_ORIGIN}/api/enrollment/v1/enrollment' -H 'Authorization: JWT ${token}'

  # admin list as global staff
  curl -s '${DEV_ORIGIN}/api/enrollment/v1/enrollments/?course_id=${encodeURIComponent(course)}' \\
    -H 'Authorization: JWT ${staffToken}'

  # events: \`npm run webhooks:listen\` in a second terminal prints each delivery; the feed; the cron sweep
  curl -s '${DEV_ORIGIN}/api/events/v1/changes' -H 'X-Edx-Api-Key: ${apiKey}'
  curl -s '${DEV_ORIGIN}/__scheduled'
`);
