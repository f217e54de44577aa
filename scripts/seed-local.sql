-- Demo catalog and users for local development (`npm run db:seed`, run by `npm start`).
-- Re-runnable: rows are upserted with ON CONFLICT, never INSERT OR REPLACE (a REPLACE deletes the
-- old row first, which would cascade-delete its modes, roles and cohort memberships).
-- Times are epoch milliseconds (UTC).

-- Course runs ---------------------------------------------------------------------------------
-- 1413404280000 = 2014-10-15T20:18:00Z, 1422921600000 = 2015-02-03T00:00:00Z,
-- 1735689600000 = 2025-01-01T00:00:00Z, 1704067200000 = 2024-01-01T00:00:00Z
INSERT INTO course_runs (
  id, course_name, org, course_start, course_end, enrollment_start, enrollment_end,
  invite_only, max_student_enrollments_allowed, self_paced, bulk_email_enabled, blocked_countries,
  created_at, updated_at
) VALUES
  ('course-v1:edX+DemoX+Demo_Course', 'Demonstration Course', 'edX', 1422921600000, NULL, 1413404280000, NULL,
   0, NULL, 0, 1, '[]', 1704067200000, 1704067200000),
  ('course-v1:edX+UpgradeX+2024', 'Upgrade Deadline Passed', 'edX', 1704067200000, NULL, 1704067200000, NULL,
   0, NULL, 0, 0, '[]', 1704067200000, 1704067200000),
  ('course-v1:edX+InviteX+2025', 'Invitation Only', 'edX', 1735689600000, NULL, NULL, NULL,
   1, NULL, 0, 0, '[]', 1704067200000, 1704067200000),
  ('course-v1:edX+EmbargoX+2025', 'Embargoed Course', 'edX', 1735689600000, NULL, NULL, NULL,
   0, NULL, 0, 0, '["CU","IR"]', 1704067200000, 1704067200000),
  ('course-v1:OpenX+SelfPaced+2025', 'Self-Paced Sampler', 'OpenX', 1735689600000, NULL, NULL, NULL,
   0, NULL, 1, 0, '[]', 1704067200000, 1704067200000)
ON CONFLICT (id) DO UPDATE SET
  course_name = excluded.course_name,
  org = excluded.org,
  course_start = excluded.course_start,
  course_end = excluded.course_end,
  enrollment_start = excluded.enrollment_start,
  enrollment_end = excluded.enrollment_end,
  invite_only = excluded.invite_only,
  max_student_enrollments_allowed = excluded.max_student_enrollments_allowed,
  self_paced = excluded.self_paced,
  bulk_email_enabled = excluded.bulk_email_enabled,
  blocked_countries = excluded.blocked_countries,
  updated_at = excluded.updated_at;

-- Course modes (position = order of the provisioning `modes` array) ------------------------------
-- 4102444799000 = 2099-12-31T23:59:59Z (still open), 1577836800000 = 2020-01-01T00:00:00Z (expired)
INSERT INTO course_modes (
  course_id, position, slug, name, min_price, suggested_prices, currency, expiration_at, description, sku, bulk_sku
) VALUES
  ('course-v1:edX+DemoX+Demo_Course', 0, 'audit', 'Audit', 0, '', 'usd', NULL, NULL, NULL, NULL),
  ('course-v1:edX+DemoX+Demo_Course', 1, 'verified', 'Verified Certificate', 49, '', 'usd', 4102444799000,
   NULL, 'DEMO-VERIFIED', 'DEMO-VERIFIED-BULK'),
  ('course-v1:edX+UpgradeX+2024', 0, 'audit', 'Audit', 0, '', 'usd', NULL, NULL, NULL, NULL),
  ('course-v1:edX+UpgradeX+2024', 1, 'verified', 'Verified Certificate', 99, '', 'usd', 1577836800000,
   NULL, 'UPGRADE-VERIFIED', NULL),
  ('course-v1:edX+InviteX+2025', 0, 'audit', 'Audit', 0, '', 'usd', NULL, NULL, NULL, NULL),
  ('course-v1:edX+EmbargoX+2025', 0, 'audit', 'Audit', 0, '', 'usd', NULL, NULL, NULL, NULL),
  ('course-v1:OpenX+SelfPaced+2025', 0, 'honor', 'Honor Code Certificate', 0, '', 'usd', NULL, NULL, NULL, NULL)
ON CONFLICT (course_id, slug) DO UPDATE SET
  position = excluded.position,
  name = excluded.name,
  min_price = excluded.min_price,
  suggested_prices = excluded.suggested_prices,
  currency = excluded.currency,
  expiration_at = excluded.expiration_at,
  description = excluded.description,
  sku = excluded.sku,
  bulk_sku = excluded.bulk_sku;

-- Users ----------------------------------------------------------------------------------------
-- alice: learner, not enrolled; bob: learner enrolled in the demo course; carol: course staff of
-- the demo course; staff: global staff (JWT claim `administrator: true` keeps this in step).
INSERT INTO users (username, email, name, is_staff, is_superuser, is_active, country, language, created_at, updated_at)
VALUES
  ('alice', 'alice@example.com', 'Alice Learner', 0, 0, 1, NULL, 'en', 1704067200000, 1704067200000),
  ('bob', 'bob@example.com', 'Bob Learner', 0, 0, 1, NULL, 'en', 1704067200000, 1704067200000),
  ('carol', 'carol@example.com', 'Carol Course-Staff', 0, 0, 1, NULL, 'en', 1704067200000, 1704067200000),
  ('staff', 'staff@example.com', 'Global Staff', 1, 0, 1, NULL, 'en', 1704067200000, 1704067200000)
ON CONFLICT (username) DO UPDATE SET
  email = excluded.email,
  name = excluded.name,
  is_staff = excluded.is_staff,
  is_superuser = excluded.is_superuser,
  is_active = excluded.is_active,
  language = excluded.language,
  updated_at = excluded.updated_at;

-- Course role: carol is staff of the demo course -----------------------------------------------
INSERT INTO course_roles (course_id, user_id, role, created_at)
SELECT 'course-v1:edX+DemoX+Demo_Course', id, 'staff', 1704067200000 FROM users WHERE username = 'carol'
ON CONFLICT DO NOTHING;

-- Enrollment: bob audits the demo course (1767603600000 = 2026-01-05T09:00:00Z). An existing row is
-- left alone so local changes made through the API survive a restart. Its event (the first in the
-- local feed) says origin `import`: the seed is a data load, not an API call.
INSERT INTO enrollments (user_id, course_id, mode, is_active, changed_origin, created_at, updated_at)
SELECT id, 'course-v1:edX+DemoX+Demo_Course', 'audit', 1, 'import', 1767603600000, 1767603600000 FROM users WHERE username = 'bob'
ON CONFLICT (user_id, course_id) DO NOTHING;
