"""Plain Python: what a teacher's dashboard shows and the rules that derive it."""
