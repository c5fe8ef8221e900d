-- payment-engine's database (ADR 0022). The schema is this SQL: Alembic runs it in every stack
-- (revision 0001), the Rust tests build their template database from the same file.

CREATE TABLE payments (
    id uuid PRIMARY KEY,
    student_id uuid NOT NULL,
    course_id uuid NOT NULL,
    currency char(3) NOT NULL,
    amount_minor bigint NOT NULL CHECK (amount_minor BETWEEN 1 AND 100000000),
    status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'refunded')),
    -- 1 when made, one more at each status change: the outbox events' version.
    version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE INDEX ix_payments_student_id ON payments (student_id);

-- Stripe's semantics, scoped to the caller: a student's key names one intended payment.
CREATE TABLE idempotency_keys (
    student_id uuid NOT NULL,
    key varchar(255) NOT NULL CHECK (length(key) >= 1),
    -- SHA-256 of the request (domain::idempotency::PaymentRequest::fingerprint).
    fingerprint bytea NOT NULL CHECK (length(fingerprint) = 32),
    payment_id uuid NOT NULL UNIQUE REFERENCES payments (id),
    created_at timestamptz NOT NULL,
    PRIMARY KEY (student_id, key)
);

-- One row per movement of money; a payment is charged at most once and refunded at most once.
CREATE TABLE ledger_movements (
    id uuid PRIMARY KEY,
    payment_id uuid NOT NULL REFERENCES payments (id),
    kind text NOT NULL CHECK (kind IN ('charge', 'refund')),
    created_at timestamptz NOT NULL,
    UNIQUE (payment_id, kind)
);

-- Double entry: a debit is positive, a credit negative; the entries of a movement sum to zero
-- in one currency (checked at commit by ledger_movement_balances). Never updated or deleted.
CREATE TABLE ledger_entries (
    id bigserial PRIMARY KEY,
    movement_id uuid NOT NULL REFERENCES ledger_movements (id),
    account text NOT NULL CHECK (account IN ('provider_receivable', 'course_revenue')),
    currency char(3) NOT NULL,
    amount_minor bigint NOT NULL CHECK (amount_minor <> 0)
);

CREATE INDEX ix_ledger_entries_movement_id ON ledger_entries (movement_id);

CREATE FUNCTION ledger_movement_balances() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    entries integer;
    total numeric;
    currencies integer;
BEGIN
    SELECT count(*), coalesce(sum(amount_minor), 0), count(DISTINCT currency)
      INTO entries, total, currencies
      FROM ledger_entries WHERE movement_id = NEW.movement_id;
    IF entries < 2 OR total <> 0 OR currencies <> 1 THEN
        RAISE EXCEPTION 'ledger movement % does not balance: % entries, sum %, % currencies',
            NEW.movement_id, entries, total, currencies
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;

-- Deferred to the commit: a movement's entries are inserted one by one in its transaction.
CREATE CONSTRAINT TRIGGER ledger_movement_balances
    AFTER INSERT ON ledger_entries
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_movement_balances();

CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger entries are never changed or deleted; book a new movement'
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER ledger_entries_append_only
    BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only();

-- A provider event id handled once (applied, unchanged or refused for good); retryable refusals
-- are not recorded, so the provider's next delivery is decided again.
CREATE TABLE processed_webhooks (
    event_id varchar(255) PRIMARY KEY,
    payment_id uuid NOT NULL REFERENCES payments (id),
    result text NOT NULL CHECK (result IN ('applied', 'unchanged', 'amount_mismatch', 'illegal')),
    received_at timestamptz NOT NULL
);

-- The transactional outbox, in the shape of edu.db's (ADR 0003), for the relay to come.
CREATE TABLE outbox (
    position bigserial PRIMARY KEY,
    id uuid NOT NULL UNIQUE,
    type varchar(200) NOT NULL
        CHECK (type IN ('payment.succeeded', 'payment.failed', 'payment.refunded')),
    aggregate varchar(100) NOT NULL,
    aggregate_id varchar(200) NOT NULL,
    version integer NOT NULL,
    occurred_at timestamptz NOT NULL,
    payload jsonb NOT NULL,
    published_at timestamptz,
    attempts integer NOT NULL DEFAULT 0,
    last_error text
);

CREATE INDEX ix_outbox_unpublished ON outbox (position) WHERE published_at IS NULL;
