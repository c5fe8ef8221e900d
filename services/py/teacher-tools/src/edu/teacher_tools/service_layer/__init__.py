"""Use cases: a teacher's courses and a course's dashboard, assembled from the upstreams' ports."""
