DROP INDEX ix_payments_charge_due;
ALTER TABLE payments DROP COLUMN charge_requested_at;
ALTER TABLE payments DROP COLUMN card_token;
