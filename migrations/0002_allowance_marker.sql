ALTER TABLE `users` ADD `allowances_realised_for` text;--> statement-breakpoint
-- Accounts that exist already are usable: their allowances were handled by the code before this marker.
UPDATE `users` SET `allowances_realised_for` = `email` WHERE `is_active` = 1;
