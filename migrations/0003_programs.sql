CREATE TABLE `catalog_program_runs` (
	`program_uuid` text NOT NULL,
	`course_id` text NOT NULL,
	`in_active_curriculum` integer NOT NULL,
	PRIMARY KEY(`program_uuid`, `course_id`),
	FOREIGN KEY (`program_uuid`) REFERENCES `catalog_programs`(`uuid`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `catalog_program_runs_course_idx` ON `catalog_program_runs` (`course_id`);--> statement-breakpoint
CREATE TABLE `catalog_programs` (
	`uuid` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`type` text NOT NULL,
	`marketing_slug` text NOT NULL,
	`owning_org` text,
	`active_curriculum_uuid` text,
	`authoring_organizations` text NOT NULL,
	`courses` text NOT NULL,
	`curricula` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `catalog_programs_owning_org_idx` ON `catalog_programs` (`owning_org`);--> statement-breakpoint
CREATE TABLE `certificates` (
	`course_id` text NOT NULL,
	`user_id` integer NOT NULL,
	`status` text NOT NULL,
	`download_url` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`course_id`, `user_id`),
	FOREIGN KEY (`course_id`) REFERENCES `course_runs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `course_due_dates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`course_id` text NOT NULL,
	`position` integer NOT NULL,
	`name` text NOT NULL,
	`url` text NOT NULL,
	`date` integer NOT NULL,
	FOREIGN KEY (`course_id`) REFERENCES `course_runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `course_due_dates_course_position_uq` ON `course_due_dates` (`course_id`,`position`);--> statement-breakpoint
CREATE TABLE `course_grades` (
	`course_id` text NOT NULL,
	`user_id` integer NOT NULL,
	`percent` real,
	`letter_grade` text,
	`passed` integer,
	`error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`course_id`, `user_id`),
	FOREIGN KEY (`course_id`) REFERENCES `course_runs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `course_progress` (
	`course_id` text NOT NULL,
	`user_id` integer NOT NULL,
	`resume_block_url` text,
	`email_opt_out` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`course_id`, `user_id`),
	FOREIGN KEY (`course_id`) REFERENCES `course_runs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `organizations` (
	`short_name` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`sso_provider_slug` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `organizations_sso_provider_uq` ON `organizations` (`sso_provider_slug`);--> statement-breakpoint
CREATE TABLE `pending_course_roles` (
	`program_course_enrollment_id` integer NOT NULL,
	`role` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`program_course_enrollment_id`, `role`),
	FOREIGN KEY (`program_course_enrollment_id`) REFERENCES `program_course_enrollments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `program_course_enrollments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`program_enrollment_id` integer NOT NULL,
	`program_uuid` text NOT NULL,
	`course_key` text NOT NULL,
	`course_enrollment_id` integer,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`program_enrollment_id`) REFERENCES `program_enrollments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`course_enrollment_id`) REFERENCES `enrollments`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `program_course_enrollments_enrollment_course_uq` ON `program_course_enrollments` (`program_enrollment_id`,`course_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `program_course_enrollments_course_enrollment_uq` ON `program_course_enrollments` (`course_enrollment_id`);--> statement-breakpoint
CREATE INDEX `program_course_enrollments_program_course_idx` ON `program_course_enrollments` (`program_uuid`,`course_key`,`id`);--> statement-breakpoint
CREATE TABLE `program_enrollments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`program_uuid` text NOT NULL,
	`curriculum_uuid` text NOT NULL,
	`user_id` integer,
	`external_user_key` text,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `program_enrollments_program_key_uq` ON `program_enrollments` (`program_uuid`,`external_user_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `program_enrollments_user_program_curriculum_uq` ON `program_enrollments` (`user_id`,`program_uuid`,`curriculum_uuid`);--> statement-breakpoint
CREATE INDEX `program_enrollments_program_id_idx` ON `program_enrollments` (`program_uuid`,`id`);--> statement-breakpoint
CREATE INDEX `program_enrollments_key_idx` ON `program_enrollments` (`external_user_key`);--> statement-breakpoint
CREATE TABLE `user_external_ids` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`provider_slug` text NOT NULL,
	`external_user_key` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `user_external_ids_provider_key_uq` ON `user_external_ids` (`provider_slug`,`external_user_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `user_external_ids_user_provider_uq` ON `user_external_ids` (`user_id`,`provider_slug`);