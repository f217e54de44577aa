CREATE TABLE `cohort_memberships` (
	`course_id` text NOT NULL,
	`user_id` integer NOT NULL,
	`cohort_id` integer NOT NULL,
	PRIMARY KEY(`course_id`, `user_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`cohort_id`) REFERENCES `cohorts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `cohort_memberships_cohort_idx` ON `cohort_memberships` (`cohort_id`);--> statement-breakpoint
CREATE TABLE `cohort_preassignments` (
	`course_id` text NOT NULL,
	`email` text NOT NULL,
	`cohort_id` integer NOT NULL,
	PRIMARY KEY(`course_id`, `email`),
	FOREIGN KEY (`cohort_id`) REFERENCES `cohorts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `cohorts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`course_id` text NOT NULL,
	`name` text NOT NULL,
	`assignment_type` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cohorts_course_name_uq` ON `cohorts` (`course_id`,`name`);--> statement-breakpoint
CREATE TABLE `course_modes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`course_id` text NOT NULL,
	`position` integer NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`min_price` integer DEFAULT 0 NOT NULL,
	`suggested_prices` text DEFAULT '' NOT NULL,
	`currency` text DEFAULT 'usd' NOT NULL,
	`expiration_at` integer,
	`description` text,
	`sku` text,
	`bulk_sku` text,
	FOREIGN KEY (`course_id`) REFERENCES `course_runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `course_modes_course_slug_uq` ON `course_modes` (`course_id`,`slug`);--> statement-breakpoint
CREATE TABLE `course_roles` (
	`course_id` text NOT NULL,
	`user_id` integer NOT NULL,
	`role` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`course_id`, `user_id`, `role`),
	FOREIGN KEY (`course_id`) REFERENCES `course_runs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `course_roles_user_idx` ON `course_roles` (`user_id`);--> statement-breakpoint
CREATE TABLE `course_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`course_name` text NOT NULL,
	`org` text NOT NULL,
	`course_start` integer,
	`course_end` integer,
	`enrollment_start` integer,
	`enrollment_end` integer,
	`invite_only` integer DEFAULT false NOT NULL,
	`max_student_enrollments_allowed` integer,
	`self_paced` integer DEFAULT false NOT NULL,
	`bulk_email_enabled` integer DEFAULT false NOT NULL,
	`blocked_countries` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `enrollment_allowances` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`course_id` text NOT NULL,
	`auto_enroll` integer DEFAULT false NOT NULL,
	`user_id` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `enrollment_allowances_email_course_uq` ON `enrollment_allowances` (`email`,`course_id`);--> statement-breakpoint
CREATE INDEX `enrollment_allowances_course_idx` ON `enrollment_allowances` (`course_id`);--> statement-breakpoint
CREATE TABLE `enrollment_attributes` (
	`enrollment_id` integer NOT NULL,
	`namespace` text NOT NULL,
	`name` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`enrollment_id`, `namespace`, `name`),
	FOREIGN KEY (`enrollment_id`) REFERENCES `enrollments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `enrollment_audit` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`course_id` text NOT NULL,
	`enrolled_email` text NOT NULL,
	`enrolled_by` text,
	`time_stamp` integer NOT NULL,
	`state_transition` text NOT NULL,
	`reason` text,
	`role` text,
	`enrollment_id` integer,
	`user_id` integer,
	`source` text NOT NULL,
	`requested_mode` text,
	`requested_is_active` integer,
	`actual_mode` text,
	`actual_is_active` integer
);
--> statement-breakpoint
CREATE INDEX `enrollment_audit_course_idx` ON `enrollment_audit` (`course_id`,`id`);--> statement-breakpoint
CREATE INDEX `enrollment_audit_email_idx` ON `enrollment_audit` (`enrolled_email`,`id`);--> statement-breakpoint
CREATE TABLE `enrollments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`course_id` text NOT NULL,
	`mode` text NOT NULL,
	`is_active` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `enrollments_user_course_uq` ON `enrollments` (`user_id`,`course_id`);--> statement-breakpoint
CREATE INDEX `enrollments_created_idx` ON `enrollments` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `enrollments_course_created_idx` ON `enrollments` (`course_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `enrollments_user_created_idx` ON `enrollments` (`user_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `user_org_preferences` (
	`user_id` integer NOT NULL,
	`org` text NOT NULL,
	`email_opt_in` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `org`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `user_retirements` (
	`user_id` integer PRIMARY KEY NOT NULL,
	`original_username` text NOT NULL,
	`original_email` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`email` text NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`is_staff` integer DEFAULT false NOT NULL,
	`is_superuser` integer DEFAULT false NOT NULL,
	`is_active` integer DEFAULT true NOT NULL,
	`country` text,
	`language` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_uq` ON `users` (`username`);--> statement-breakpoint
CREATE INDEX `users_email_idx` ON `users` (`email`);