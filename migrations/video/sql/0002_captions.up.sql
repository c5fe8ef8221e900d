-- Caption tracks of lesson videos (issue 25): one WebVTT file per video and language, its
-- bytes in the object store under the video's prefix (`videos/<id>/captions/<language>.vtt`).
-- A new file for the same language replaces the old one.
CREATE TABLE captions (
    video_id uuid NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
    -- A BCP 47 tag as the domain normalises it: `en`, `el`, `pt-BR`.
    language varchar(35) NOT NULL CHECK (language ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'),
    -- What the player's caption menu shows.
    label varchar(100) NOT NULL CHECK (length(label) > 0),
    size_bytes bigint NOT NULL CHECK (size_bytes > 0),
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (video_id, language)
);
