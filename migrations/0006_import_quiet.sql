-- An import without `emit_events=true` marks its rows `changed_origin = 'import_quiet'`: the enrollments
-- event triggers skip those changes (docs/api/import.md#events). Otherwise the triggers are as before.
DROP TRIGGER `enrollments_created_event`;
--> statement-breakpoint
DROP TRIGGER `enrollments_changed_event`;
--> statement-breakpoint
CREATE TRIGGER `enrollments_created_event` AFTER INSERT ON `enrollments`
  WHEN NEW.changed_origin IS NOT 'import_quiet'
BEGIN
  INSERT INTO events (type, subject, course_key, username, data)
    VALUES ('org.openedx.learning.course.enrollment.created.v1', NEW.course_id, NEW.course_id, (select u.username from users u where u.id = NEW.user_id),
      json_object('user', json((select json_object('id', u.id, 'is_active', json(iif(u.is_active, 'true', 'false')), 'pii', json_object('username', u.username, 'email', u.email, 'name', u.name)) from users u where u.id = NEW.user_id)), 'course', coalesce(json((select json_object('course_key', c.id, 'display_name', c.course_name, 'start', strftime('%Y-%m-%dT%H:%M:%SZ', c.course_start / 1000, 'unixepoch'), 'end', strftime('%Y-%m-%dT%H:%M:%SZ', c.course_end / 1000, 'unixepoch')) from course_runs c where c.id = NEW.course_id)), json_object('course_key', NEW.course_id, 'display_name', null, 'start', null, 'end', null)), 'mode', NEW.mode, 'is_active', json(iif(NEW.is_active, 'true', 'false')), 'creation_date', (strftime('%Y-%m-%dT%H:%M:%S', NEW.created_at / 1000, 'unixepoch') || '.' || printf('%03d', NEW.created_at % 1000) || 'Z'), 'created_by', json((select json_object('id', u.id, 'is_active', json(iif(u.is_active, 'true', 'false')), 'pii', json_object('username', u.username, 'email', u.email, 'name', u.name)) from users u where u.username = NEW.changed_by)), 'previous', null, 'origin', NEW.changed_origin));
END;
--> statement-breakpoint
CREATE TRIGGER `enrollments_changed_event` AFTER UPDATE OF `mode`, `is_active` ON `enrollments`
  WHEN (OLD.mode IS NOT NEW.mode OR OLD.is_active IS NOT NEW.is_active) AND NEW.changed_origin IS NOT 'import_quiet'
BEGIN
  INSERT INTO events (type, subject, course_key, username, data)
    VALUES ('org.openedx.learning.course.enrollment.changed.v1', NEW.course_id, NEW.course_id, (select u.username from users u where u.id = NEW.user_id),
      json_object('user', json((select json_object('id', u.id, 'is_active', json(iif(u.is_active, 'true', 'false')), 'pii', json_object('username', u.username, 'email', u.email, 'name', u.name)) from users u where u.id = NEW.user_id)), 'course', coalesce(json((select json_object('course_key', c.id, 'display_name', c.course_name, 'start', strftime('%Y-%m-%dT%H:%M:%SZ', c.course_start / 1000, 'unixepoch'), 'end', strftime('%Y-%m-%dT%H:%M:%SZ', c.course_end / 1000, 'unixepoch')) from course_runs c where c.id = NEW.course_id)), json_object('course_key', NEW.course_id, 'display_name', null, 'start', null, 'end', null)), 'mode', NEW.mode, 'is_active', json(iif(NEW.is_active, 'true', 'false')), 'creation_date', (strftime('%Y-%m-%dT%H:%M:%S', NEW.created_at / 1000, 'unixepoch') || '.' || printf('%03d', NEW.created_at % 1000) || 'Z'), 'created_by', json((select json_object('id', u.id, 'is_active', json(iif(u.is_active, 'true', 'false')), 'pii', json_object('username', u.username, 'email', u.email, 'name', u.name)) from users u where u.username = NEW.changed_by)), 'previous', json_object('mode', OLD.mode, 'is_active', json(iif(OLD.is_active, 'true', 'false'))), 'origin', NEW.changed_origin));
  INSERT INTO events (type, subject, course_key, username, data)
    SELECT 'org.openedx.learning.course.unenrollment.completed.v1', NEW.course_id, NEW.course_id, (select u.username from users u where u.id = NEW.user_id),
      json_object('user', json((select json_object('id', u.id, 'is_active', json(iif(u.is_active, 'true', 'false')), 'pii', json_object('username', u.username, 'email', u.email, 'name', u.name)) from users u where u.id = NEW.user_id)), 'course', coalesce(json((select json_object('course_key', c.id, 'display_name', c.course_name, 'start', strftime('%Y-%m-%dT%H:%M:%SZ', c.course_start / 1000, 'unixepoch'), 'end', strftime('%Y-%m-%dT%H:%M:%SZ', c.course_end / 1000, 'unixepoch')) from course_runs c where c.id = NEW.course_id)), json_object('course_key', NEW.course_id, 'display_name', null, 'start', null, 'end', null)), 'mode', NEW.mode, 'is_active', json(iif(NEW.is_active, 'true', 'false')), 'creation_date', (strftime('%Y-%m-%dT%H:%M:%S', NEW.created_at / 1000, 'unixepoch') || '.' || printf('%03d', NEW.created_at % 1000) || 'Z'), 'created_by', json((select json_object('id', u.id, 'is_active', json(iif(u.is_active, 'true', 'false')), 'pii', json_object('username', u.username, 'email', u.email, 'name', u.name)) from users u where u.username = NEW.changed_by)), 'previous', json_object('mode', OLD.mode, 'is_active', json(iif(OLD.is_active, 'true', 'false'))), 'origin', NEW.changed_origin)
    WHERE OLD.is_active = 1 AND NEW.is_active = 0;
END;
