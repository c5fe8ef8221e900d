DROP TABLE outbox;
DROP TABLE videos;
