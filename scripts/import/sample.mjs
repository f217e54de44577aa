// A sample export for trying `npm run import` against `npm start`: 10,000 auth_user rows and 50,000
// student_courseenrollment rows (every user in each of the demo catalog's five runs), deterministic.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

const COURSES = [
  'course-v1:edX+DemoX+Demo_Course',
  'course-v1:edX+UpgradeX+2024',
  'course-v1:edX+InviteX+2025',
  'course-v1:edX+EmbargoX+2025',
  'course-v1:OpenX+SelfPaced+2025',
];
const MODES = ['audit', 'honor', 'verified'];
const DAY = 86_400_000;
const FIRST_DAY = Date.UTC(2016, 0, 1);

async function writeLines(file, header, count, lineOf) {
  const out = createWriteStream(file);
  out.write(`${header}\n`);
  for (let i = 1; i <= count; i += 1) {
    if (!out.write(`${lineOf(i)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

const mysqlTime = (ms) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

export async function makeSample({ users = 10_000, dir = '.', courses = COURSES } = {}) {
  const usersFile = `${dir}/sample-users.csv`;
  const enrollmentsFile = `${dir}/sample-enrollments.csv`;
  await writeLines(usersFile, 'id,username,email,first_name,last_name,is_staff,is_superuser,is_active', users, (i) =>
    [i, `learner${i}`, `learner${i}@example.com`, 'Learner', `Number ${i}`, 0, 0, i % 50 === 0 ? 0 : 1].join(','),
  );
  let id = 0;
  await writeLines(
    enrollmentsFile,
    'id,user_id,username,course_id,mode,is_active,created',
    users * courses.length,
    (n) => {
      const user = Math.ceil(n / courses.length);
      const course = courses[(n - 1) % courses.length];
      id += 1;
      const created = mysqlTime(FIRST_DAY + ((n * 7919) % 3000) * DAY + (n % 86_400) * 1000);
      return [id, user, `learner${user}`, course, MODES[n % MODES.length], n % 9 === 0 ? 0 : 1, created].join(',');
    },
  );
  return { usersFile, enrollmentsFile, users, enrollments: users * courses.length };
}
