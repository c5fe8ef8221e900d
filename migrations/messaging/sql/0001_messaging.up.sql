-- messaging's database (issue 24, services/rs/messaging). The schema is this SQL: Alembic runs
-- it in every stack (revision 0001), the Rust tests build their template database from the
-- same file.

-- Who teaches a course, from course.published / course.updated / course.unpublished (the
-- highest envelope version wins, so redelivered and reordered events change nothing).
CREATE TABLE course_teachers (
    course_id uuid PRIMARY KEY,
    teacher_id uuid NOT NULL,
    version integer NOT NULL CHECK (version >= 1)
);

-- Who is enrolled, from enrollment.created (one row per enrollment: redelivery changes nothing).
CREATE TABLE enrolments (
    enrollment_id uuid PRIMARY KEY,
    course_id uuid NOT NULL,
    student_id uuid NOT NULL
);

CREATE INDEX ix_enrolments_course_student ON enrolments (course_id, student_id);

-- Each course's feed: `head` is the last place given to a post that became visible. Taking a
-- place updates this row, so the row lock orders the transactions that make posts visible in
-- one course: places are given without gaps and committed in their order, and a reader that
-- saw place n has seen every place before it (the WebSocket resume relies on this).
CREATE TABLE course_feeds (
    course_id uuid PRIMARY KEY,
    head bigint NOT NULL CHECK (head >= 0)
);

CREATE TABLE posts (
    id uuid PRIMARY KEY,
    course_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('question', 'answer')),
    -- The question an answer answers (in the same course); null for a question.
    question_id uuid REFERENCES posts (id),
    author_id uuid NOT NULL,
    body text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
    -- pending until moderation.decided; the latest decision's version is kept beside it.
    status text NOT NULL CHECK (status IN ('pending', 'held', 'allowed', 'rejected')),
    decision_version integer NOT NULL DEFAULT 0 CHECK (decision_version >= 0),
    -- The post's place in its course's feed, given when it was first allowed; never reused.
    seq bigint CHECK (seq >= 1),
    created_at timestamptz NOT NULL,
    visible_at timestamptz,
    CHECK ((kind = 'answer') = (question_id IS NOT NULL)),
    CHECK ((seq IS NULL) = (visible_at IS NULL)),
    CHECK (status <> 'allowed' OR seq IS NOT NULL),
    UNIQUE (course_id, seq)
);

-- An author's own posts (shown to them while pending or after a rejection).
CREATE INDEX ix_posts_course_author ON posts (course_id, author_id, created_at);

-- The transactional outbox, in the shape of edu.db's (ADR 0003) and payment-engine's.
CREATE TABLE outbox (
    position bigserial PRIMARY KEY,
    id uuid NOT NULL UNIQUE,
    type varchar(200) NOT NULL CHECK (type IN ('qa.question_posted', 'qa.answer_posted')),
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
