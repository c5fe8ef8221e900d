"""Search relevance measured, not guessed (issue 23): judged queries, nDCG@10 and MRR, a gate."""
