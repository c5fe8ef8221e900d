-- Lesson videos of video-processor (issue 25): one row per upload, from its first chunk to the
-- transcoder's verdict. `received_bytes` is how much of the upload's part file counts (the
-- next offset a client sends); the part file may hold more after a crash, never less.
CREATE TABLE videos (
    id uuid PRIMARY KEY,
    course_id uuid NOT NULL,
    lesson_id uuid NOT NULL,
    teacher_id uuid NOT NULL,
    content_type varchar(50) NOT NULL
        CHECK (content_type IN ('video/mp4', 'video/webm', 'video/quicktime')),
    size_bytes bigint NOT NULL CHECK (size_bytes > 0),
    sha256 char(64) NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    received_bytes bigint NOT NULL DEFAULT 0
        CHECK (received_bytes >= 0 AND received_bytes <= size_bytes),
    status varchar(20) NOT NULL DEFAULT 'uploading'
        CHECK (status IN ('uploading', 'processing', 'ready', 'failed')),
    progress_percent smallint NOT NULL DEFAULT 0 CHECK (progress_percent BETWEEN 0 AND 100),
    failure_reason text,
    -- The video.transcoded payload (renditions, playlists, poster, duration) once ready.
    ladder jsonb,
    -- 1 when made, one more at each status change: the outbox events' version.
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    CHECK ((status = 'failed') = (failure_reason IS NOT NULL)),
    CHECK ((status = 'ready') = (ladder IS NOT NULL)),
    CHECK (status = 'uploading' OR received_bytes = size_bytes)
);

CREATE INDEX ix_videos_lesson ON videos (lesson_id);

-- The transactional outbox, in the shape of edu.db's (ADR 0003).
CREATE TABLE outbox (
    position bigserial PRIMARY KEY,
    id uuid NOT NULL UNIQUE,
    type varchar(200) NOT NULL CHECK (type IN ('video.uploaded')),
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
