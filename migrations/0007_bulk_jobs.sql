CREATE TABLE `bulk_job_results` (
	`job_id` text NOT NULL,
	`idx` integer NOT NULL,
	`first_pos` integer NOT NULL,
	`pairs` integer NOT NULL,
	`course_id` text NOT NULL,
	`results` text NOT NULL,
	PRIMARY KEY(`job_id`, `idx`)
);
--> statement-breakpoint
CREATE INDEX `bulk_job_results_pos_idx` ON `bulk_job_results` (`job_id`,`first_pos`);--> statement-breakpoint
CREATE TABLE `bulk_job_chunks` (
	`job_id` text NOT NULL,
	`idx` integer NOT NULL,
	`identifiers` text NOT NULL,
	PRIMARY KEY(`job_id`, `idx`)
);
--> statement-breakpoint
CREATE TABLE `bulk_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`created_by` text NOT NULL,
	`status` text NOT NULL,
	`action` text NOT NULL,
	`dry_run` integer NOT NULL,
	`auto_enroll` integer NOT NULL,
	`email_students` integer NOT NULL,
	`reason` text,
	`mode` text,
	`courses` text NOT NULL,
	`cohorts` text,
	`slices` integer NOT NULL,
	`chunks` integer NOT NULL,
	`next_chunk` integer DEFAULT 0 NOT NULL,
	`total` integer NOT NULL,
	`processed` integer DEFAULT 0 NOT NULL,
	`enrolled` integer DEFAULT 0 NOT NULL,
	`unenrolled` integer DEFAULT 0 NOT NULL,
	`allowed` integer DEFAULT 0 NOT NULL,
	`unchanged` integer DEFAULT 0 NOT NULL,
	`invalid` integer DEFAULT 0 NOT NULL,
	`error` text,
	`created` integer NOT NULL,
	`started` integer,
	`finished` integer,
	`touched_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `bulk_jobs_unfinished_idx` ON `bulk_jobs` (`status`,`touched_at`);