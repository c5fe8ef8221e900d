"""analytics-aggregator: learning events in, rollups out (issue 21, ADR 0019).

``domain`` holds the folding rules (plain Python), ``service_layer`` the use cases
(:class:`~edu.analytics_aggregator.service_layer.folding.LearningRollups` and
:class:`~edu.analytics_aggregator.service_layer.ownership.CourseOwnership`), ``adapters`` the
SQL, ``__main__`` the process running both consumers, ``metrics`` its /metrics endpoint.
"""
