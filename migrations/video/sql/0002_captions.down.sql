DROP TABLE captions;
