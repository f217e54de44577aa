CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`to` text NOT NULL,
	`kind` text NOT NULL,
	`course_id` text NOT NULL,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`language` text,
	`created` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `outbox_to_idx` ON `outbox` (`to`,`id`);--> statement-breakpoint
CREATE INDEX `outbox_course_idx` ON `outbox` (`course_id`,`id`);