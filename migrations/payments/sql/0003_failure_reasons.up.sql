-- Why a failed payment failed, in the words the provider (or the deadline) gave, so the student
-- reading GET /payments/{id} is told ("The card was declined.") and not just "failed".
ALTER TABLE payments ADD COLUMN failure_reason text;
