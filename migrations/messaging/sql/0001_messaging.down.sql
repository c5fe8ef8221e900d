DROP TABLE outbox;
DROP TABLE posts;
DROP TABLE course_feeds;
DROP TABLE enrolments;
DROP TABLE course_teachers;
