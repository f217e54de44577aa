CREATE TABLE `events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text DEFAULT (lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4'
  || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1)
  || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))) NOT NULL,
	`type` text NOT NULL,
	`subject` text NOT NULL,
	`time` integer DEFAULT (cast(round(unixepoch('subsec') * 1000) as integer)) NOT NULL,
	`course_key` text,
	`username` text,
	`data` text NOT NULL,
	`dispatched_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_id_unique` ON `events` (`id`);--> statement-breakpoint
CREATE INDEX `events_type_seq_idx` ON `events` (`type`,`seq`);--> statement-breakpoint
CREATE INDEX `events_course_seq_idx` ON `events` (`course_key`,`seq`);--> statement-breakpoint
CREATE INDEX `events_username_seq_idx` ON `events` (`username`,`seq`);--> statement-breakpoint
CREATE INDEX `events_time_idx` ON `events` (`time`);--> statement-breakpoint
CREATE INDEX `events_undispatched_idx` ON `events` (`seq`) WHERE dispatched_at is null;--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`subscription_name` text NOT NULL,
	`seq` integer NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_status_code` integer,
	`last_error` text,
	`next_attempt_at` integer,
	`delivered_at` integer,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`subscription_name`, `seq`),
	FOREIGN KEY (`subscription_name`) REFERENCES `webhook_subscriptions`(`name`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`seq`) REFERENCES `events`(`seq`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_seq_idx` ON `webhook_deliveries` (`seq`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due_idx` ON `webhook_deliveries` (`next_attempt_at`) WHERE status = 'pending';--> statement-breakpoint
CREATE TABLE `webhook_subscriptions` (
	`name` text PRIMARY KEY NOT NULL,
	`url` text NOT NULL,
	`event_types` text NOT NULL,
	`enabled` integer NOT NULL,
	`secret` text NOT NULL,
	`from_seq` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `enrollments` ADD `changed_origin` text;--> statement-breakpoint
ALTER TABLE `enrollments` ADD `changed_by` text;
--> statement-breakpoint
-- The event log is written by these triggers only (docs/events.md#how-events-are-written): each runs
-- inside the statement that makes the change, so the event commits with it or not at all. A statement
-- that changes nothing (an upsert whose WHERE is false, the same cohort again) fires no event.
-- `changed_origin` / `changed_by` are set by every enrollments writer alongside `updated_at`.
CREATE TRIGGER `enrollments_created_event` AFTER INSERT ON `enrollments`
BEGIN
  INSERT INTO events (type, subject, course_key, username, data)
    VALUES ('org.openedx.learning.course.enrollment.created.v1', NEW.course_id, NEW.course_id, (select u.username from users u where u.id = NEW.user_id),
      json_object('user', json((select json_object('id', u.id, 'is_active', json(iif(u.is_active, 'true', 'false')), 'pii', json_object('username', u.username, 'email', u.email, 'name', u.name)) from users u where u.id = NEW.user_id)), 'course', coalesce(json((select json_object('course_key', c.id, 'display_name', c.course_name, 'start', strftime('%Y-%m-%dT%H:%M:%SZ', c.course_start / 1000, 'unixepoch'), 'end', strftime('%Y-%m-%dT%H:%M:%SZ', c.course_end / 1000, 'unixepoch')) from course_runs c where c.id = NEW.course_id)), json_object('course_key', NEW.course_id, 'display_name', null, 'start', null, 'end', null)), 'mode', NEW.mode, 'is_active', json(iif(NEW.is_active, 'true', 'false')), 'creation_date', (strftime('%Y-%m-%dT%H:%M:%S', NEW.created_at / 1000, 'unixepoch') || '.' || printf('%03d', NEW.created_at % 1000) || 'Z'), 'created_by', json((select json_object('id', u.id, 'is_active', json(iif(u.is_active, 'true', 'false')), 'pii', json_object('username', u.username, 'email', u.email, 'name', u.name)) from users u where u.username = NEW.changed_by)), 'previous', null, 'origin', NEW.changed_origin));
END;
--> statement-breakpoint
CREATE TRIGGER `enrollments_changed_event` AFTER UPDATE OF `mode`, `is_active` ON `enrollments`
  WHEN OLD.mode IS NOT NEW.mode OR OLD.is_active IS NOT NEW.is_active
BEGIN
  INSERT INTO events (type, subject, course_key, username, data)
    VALUES ('org.openedx.learning.course.enrollment.changed.v1', NEW.course_id, NEW.course_id, (select u.username from users u where u.id = NEW.user_id),
      json_object('user', json((select json_object('id', u.id, 'is_active', json(iif(u.is_active, 'true', 'false')), 'pii', json_object('username', u.username, 'email', u.email, 'name', u.name)) from users u where u.id = NEW.user_id)), 'course', coalesce(json((select json_object('course_key', c.id, 'display_name', c.course_name, 'start', strftime('%Y-%m-%dT%H:%M:%SZ', c.course_start / 1000, 'unixepoch'), 'end', strftime('%Y-%m-%dT%H:%M:%SZ', c.course_end / 1000, 'unixepoch')) from course_runs c where c.id = NEW.course_id)), json_object('course_key', NEW.course_id, 'display_name', null, 'start', null, 'end', null)), 'mode', NEW.mode, 'is_active', json(iif(NEW.is_active, 'true', 'false')), 'creation_date', (strftime('%Y-%m-%dT%H:%M:%S', NEW.created_at / 1000, 'unixepoch') || '.' || printf('%03d', NEW.created_at % 1000) || 'Z'), 'created_by', json((select json_object('id', u.id, 'is_active', json(iif(u.is_active, 'true', 'false')), 'pii', json_object('username', u.username, 'email', u.email, 'name', u.name)) from users u where u.username = NEW.changed_by)), 'previous', json_object('mode', OLD.mode, 'is_active', json(iif(OLD.is_active, 'true', 'false'))), 'origin', NEW.changed_origin));
  INSERT INTO events (type, subject, course_key, username, data)
    SELECT 'org.openedx.learning.course.unenrollment.completed.v1', NEW.course_id, NEW.course_id, (select u.username from users u where u.id = NEW.user_id),
      json_object('user', json((select json_object('id', u.id, 'is_active', json(iif(u.is_active, 'true', 'false')), 'pii', json_object('username', u.username, 'email', u.email, 'name', u.name)) from users u where u.id = NEW.user_id)), 'course', coalesce(json((select json_object('course_key', c.id, 'display_name', c.course_name, 'start', strftime('%Y-%m-%dT%H:%M:%SZ', c.course_start / 1000, 'unixepoch'), 'end', strftime('%Y-%m-%dT%H:%M:%SZ', c.course_end / 1000, 'unixepoch')) from course_runs c where c.id = NEW.course_id)), json_object('course_key', NEW.course_id, 'display_name', null, 'start', null, 'end', null)), 'mode', NEW.mode, 'is_active', json(iif(NEW.is_active, 'true', 'false')), 'creation_date', (strftime('%Y-%m-%dT%H:%M:%S', NEW.created_at / 1000, 'unixepoch') || '.' || printf('%03d', NEW.created_at % 1000) || 'Z'), 'created_by', json((select json_object('id', u.id, 'is_active', json(iif(u.is_active, 'true', 'false')), 'pii', json_object('username', u.username, 'email', u.email, 'name', u.name)) from users u where u.username = NEW.changed_by)), 'previous', json_object('mode', OLD.mode, 'is_active', json(iif(OLD.is_active, 'true', 'false'))), 'origin', NEW.changed_origin)
    WHERE OLD.is_active = 1 AND NEW.is_active = 0;
END;
--> statement-breakpoint
CREATE TRIGGER `cohort_memberships_placed_event` AFTER INSERT ON `cohort_memberships`
BEGIN
  INSERT INTO events (type, subject, course_key, username, data)
    VALUES ('org.openedx.learning.cohort_membership.changed.v1', NEW.course_id, NEW.course_id, (select u.username from users u where u.id = NEW.user_id),
      json_object('user', json((select json_object('id', u.id, 'is_active', json(iif(u.is_active, 'true', 'false')), 'pii', json_object('username', u.username, 'email', u.email, 'name', u.name)) from users u where u.id = NEW.user_id)), 'course', coalesce(json((select json_object('course_key', c.id, 'display_name', c.course_name, 'start', strftime('%Y-%m-%dT%H:%M:%SZ', c.course_start / 1000, 'unixepoch'), 'end', strftime('%Y-%m-%dT%H:%M:%SZ', c.course_end / 1000, 'unixepoch')) from course_runs c where c.id = NEW.course_id)), json_object('course_key', NEW.course_id, 'display_name', null, 'start', null, 'end', null)), 'name', (select c.name from cohorts c where c.id = NEW.cohort_id), 'previous_name', null));
END;
--> statement-breakpoint
CREATE TRIGGER `cohort_memberships_moved_event` AFTER UPDATE OF `cohort_id` ON `cohort_memberships`
  WHEN OLD.cohort_id IS NOT NEW.cohort_id
BEGIN
  INSERT INTO events (type, subject, course_key, username, data)
    VALUES ('org.openedx.learning.cohort_membership.changed.v1', NEW.course_id, NEW.course_id, (select u.username from users u where u.id = NEW.user_id),
      json_object('user', json((select json_object('id', u.id, 'is_active', json(iif(u.is_active, 'true', 'false')), 'pii', json_object('username', u.username, 'email', u.email, 'name', u.name)) from users u where u.id = NEW.user_id)), 'course', coalesce(json((select json_object('course_key', c.id, 'display_name', c.course_name, 'start', strftime('%Y-%m-%dT%H:%M:%SZ', c.course_start / 1000, 'unixepoch'), 'end', strftime('%Y-%m-%dT%H:%M:%SZ', c.course_end / 1000, 'unixepoch')) from course_runs c where c.id = NEW.course_id)), json_object('course_key', NEW.course_id, 'display_name', null, 'start', null, 'end', null)), 'name', (select c.name from cohorts c where c.id = NEW.cohort_id), 'previous_name', (select c.name from cohorts c where c.id = OLD.cohort_id)));
END;
--> statement-breakpoint
CREATE TRIGGER `program_enrollments_created_event` AFTER INSERT ON `program_enrollments`
BEGIN
  INSERT INTO events (type, subject, course_key, username, data)
    VALUES ('edge.program.enrollment.changed.v1', NEW.program_uuid, null, (select u.username from users u where u.id = NEW.user_id),
      json_object('program_uuid', NEW.program_uuid, 'student_key', NEW.external_user_key, 'status', NEW.status, 'curriculum_uuid', NEW.curriculum_uuid, 'username', (select u.username from users u where u.id = NEW.user_id), 'previous', null));
END;
--> statement-breakpoint
CREATE TRIGGER `program_enrollments_changed_event` AFTER UPDATE OF `status`, `curriculum_uuid`, `user_id` ON `program_enrollments`
  WHEN OLD.status IS NOT NEW.status OR OLD.curriculum_uuid IS NOT NEW.curriculum_uuid OR OLD.user_id IS NOT NEW.user_id
BEGIN
  INSERT INTO events (type, subject, course_key, username, data)
    VALUES ('edge.program.enrollment.changed.v1', NEW.program_uuid, null, (select u.username from users u where u.id = NEW.user_id),
      json_object('program_uuid', NEW.program_uuid, 'student_key', NEW.external_user_key, 'status', NEW.status, 'curriculum_uuid', NEW.curriculum_uuid, 'username', (select u.username from users u where u.id = NEW.user_id), 'previous', json_object('status', OLD.status, 'curriculum_uuid', OLD.curriculum_uuid, 'username', (select u.username from users u where u.id = OLD.user_id))));
END;
--> statement-breakpoint
CREATE TRIGGER `program_course_enrollments_created_event` AFTER INSERT ON `program_course_enrollments`
BEGIN
  INSERT INTO events (type, subject, course_key, username, data)
    VALUES ('edge.program.course_enrollment.changed.v1', NEW.program_uuid, NEW.course_key, (select u.username from program_enrollments p join users u on u.id = p.user_id where p.id = NEW.program_enrollment_id),
      json_object('program_uuid', NEW.program_uuid, 'course_key', NEW.course_key, 'student_key', (select p.external_user_key from program_enrollments p where p.id = NEW.program_enrollment_id), 'status', NEW.status, 'username', (select u.username from program_enrollments p join users u on u.id = p.user_id where p.id = NEW.program_enrollment_id), 'previous', null));
END;
--> statement-breakpoint
-- A course enrollment linked to a row that this batch already wrote (created it, or changed its status:
-- all writes of a batch share `updated_at`) is part of that change, whose event is already logged.
CREATE TRIGGER `program_course_enrollments_changed_event` AFTER UPDATE OF `status`, `course_enrollment_id` ON `program_course_enrollments`
  WHEN OLD.status IS NOT NEW.status
    OR (OLD.course_enrollment_id IS NULL AND NEW.course_enrollment_id IS NOT NULL AND OLD.updated_at IS NOT NEW.updated_at)
BEGIN
  INSERT INTO events (type, subject, course_key, username, data)
    VALUES ('edge.program.course_enrollment.changed.v1', NEW.program_uuid, NEW.course_key, (select u.username from program_enrollments p join users u on u.id = p.user_id where p.id = NEW.program_enrollment_id),
      json_object('program_uuid', NEW.program_uuid, 'course_key', NEW.course_key, 'student_key', (select p.external_user_key from program_enrollments p where p.id = NEW.program_enrollment_id), 'status', NEW.status, 'username', (select u.username from program_enrollments p join users u on u.id = p.user_id where p.id = NEW.program_enrollment_id), 'previous', json_object('status', OLD.status)));
END;
--> statement-breakpoint
CREATE TRIGGER `outbox_queued_event` AFTER INSERT ON `outbox`
BEGIN
  INSERT INTO events (type, subject, course_key, username, data)
    VALUES ('edge.notification.email.v1', NEW."to", null, null,
      json_object('to', NEW."to", 'kind', NEW.kind, 'course_id', NEW.course_id, 'subject', NEW.subject, 'body', NEW.body, 'language', NEW.language));
END;
