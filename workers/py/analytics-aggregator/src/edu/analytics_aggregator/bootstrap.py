"""The composition root: settings in, the two consumers and their use cases out."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from edu.analytics_aggregator.adapters.unit_of_work import SqlAlchemyAnalyticsUnitOfWork
from edu.analytics_aggregator.metrics import AggregatorMetrics
from edu.analytics_aggregator.service_layer.folding import LearningRollups, Outcome
from edu.analytics_aggregator.service_layer.ownership import COURSE_EVENTS, CourseOwnership
from edu.analytics_aggregator.service_layer.ports import AnalyticsUnitOfWork, UnitOfWorkFactory
from edu.analytics_aggregator.settings import AggregatorSettings
from edu.common.clock import Clock, SystemClock
from edu.db.engine import open_sessions
from edu.events import DecodedEvent
from edu.events.dispositions import RedeliveryPolicy
from edu.events.jetstream_consumer import ConsumerSettings, DurableEventConsumer
from edu.events.learning import (
    LEARNING_STREAM,
    LEARNING_SUBJECT_PREFIX,
    DecodedLearningEvent,
    decode_learning,
)

LEARNING_DURABLE = "analytics-aggregator"
COURSES_DURABLE = "analytics-aggregator-courses"
DEAD_LETTER_PREFIX = "dlq.analytics"
# The database being unreachable is nobody's fault: such events wait, never dead-lettered.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OSError, OperationalError, InterfaceError)


@dataclass
class AggregatorContainer:
    rollups: LearningRollups
    ownership: CourseOwnership
    metrics: AggregatorMetrics
    learning: DurableEventConsumer[DecodedLearningEvent]
    courses: DurableEventConsumer[DecodedEvent]
    engine: AsyncEngine | None = None
    settings: dict[str, ConsumerSettings] = field(default_factory=dict)

    async def close(self) -> None:
        if self.engine is not None:
            await self.engine.dispose()


def learning_consumer_settings(settings: AggregatorSettings) -> ConsumerSettings:
    """Every learning event (``learning.>``): new types are recorded and ignored until folded."""
    return ConsumerSettings(
        durable=LEARNING_DURABLE,
        event_types=(">",),
        dead_letter_prefix=DEAD_LETTER_PREFIX,
        stream=LEARNING_STREAM,
        subject_prefix=LEARNING_SUBJECT_PREFIX,
        ack_wait=settings.consumer_ack_wait_seconds,
        batch=settings.consumer_batch,
        lag_interval=settings.lag_interval_seconds,
        policy=RedeliveryPolicy(max_deliveries=settings.max_deliveries),
    )


def course_consumer_settings(settings: AggregatorSettings) -> ConsumerSettings:
    return ConsumerSettings(
        durable=COURSES_DURABLE,
        event_types=COURSE_EVENTS,
        dead_letter_prefix=DEAD_LETTER_PREFIX,
        ack_wait=settings.consumer_ack_wait_seconds,
        lag_interval=settings.lag_interval_seconds,
        policy=RedeliveryPolicy(max_deliveries=settings.max_deliveries),
    )


def bootstrap(
    settings: AggregatorSettings,
    *,
    sessions: async_sessionmaker[AsyncSession] | None = None,
    unit_of_work: UnitOfWorkFactory | None = None,
    learning: ConsumerSettings | None = None,
    courses: ConsumerSettings | None = None,
    clock: Clock | None = None,
) -> AggregatorContainer:
    """Wire the aggregator; each keyword replaces one real part (tests: streams of their own)."""
    engine = None
    uow = unit_of_work
    if uow is None:
        opened, engine = open_sessions(
            settings.database_url, pool_size=settings.database_pool_size, given=sessions
        )

        def sql_uow() -> AnalyticsUnitOfWork:
            return SqlAlchemyAnalyticsUnitOfWork(opened)

        uow = sql_uow
    rollups = LearningRollups(uow, clock or SystemClock())
    ownership = CourseOwnership(uow)
    metrics = AggregatorMetrics()

    async def fold(event: DecodedLearningEvent) -> Outcome:
        outcome = await rollups.fold(event)
        metrics.count(outcome.value)
        return outcome

    learning = learning or learning_consumer_settings(settings)
    courses = courses or course_consumer_settings(settings)
    return AggregatorContainer(
        rollups=rollups,
        ownership=ownership,
        metrics=metrics,
        learning=DurableEventConsumer(
            settings.nats_url,
            fold,
            learning,
            transient=TRANSIENT_ERRORS,
            decoder=decode_learning,
            on_lag=metrics.record_lag,
        ),
        courses=DurableEventConsumer(
            settings.nats_url,
            ownership.record,
            courses,
            transient=TRANSIENT_ERRORS,
            on_lag=metrics.record_lag,
        ),
        engine=engine,
        settings={"learning": learning, "courses": courses},
    )
