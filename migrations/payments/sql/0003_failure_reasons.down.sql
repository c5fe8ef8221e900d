ALTER TABLE payments DROP COLUMN failure_reason;
