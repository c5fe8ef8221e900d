-- The card a payment is charged with, and when the provider took the charge request (ADR 0022):
-- the engine asks the provider after its commit, and asks again (same idempotency key, the
-- payment id) for every pending payment whose request the provider has not taken yet, so a
-- provider that is down, or an engine killed between its commit and the call, delays a charge
-- and never loses or doubles it.
ALTER TABLE payments ADD COLUMN card_token varchar(255) CHECK (length(card_token) >= 1);
ALTER TABLE payments ADD COLUMN charge_requested_at timestamptz;

CREATE INDEX ix_payments_charge_due ON payments (created_at)
    WHERE status = 'pending' AND card_token IS NOT NULL AND charge_requested_at IS NULL;
