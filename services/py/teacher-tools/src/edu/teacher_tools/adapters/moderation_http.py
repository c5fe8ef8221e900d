"""moderation's review queue (``GET /moderation/queue``) with the teacher's token: the held
items of the teacher's own courses, awaiting the teacher's decision."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, ValidationError

from edu.teacher_tools.adapters.transport import UpstreamTransport
from edu.teacher_tools.domain.dashboard import HeldItem
from edu.teacher_tools.service_layer.ports import UpstreamUnavailable

PAGE = 100  # moderation's largest page


class _ReasonJson(BaseModel):
    code: str


class _ItemJson(BaseModel):
    id: str
    kind: str
    subject_id: str
    course_id: str
    author_id: str
    text: str
    submitted_at: datetime
    reasons: list[_ReasonJson]

    def item(self) -> HeldItem:
        return HeldItem(
            id=self.id,
            course_id=self.course_id,
            kind=self.kind,
            subject_id=self.subject_id,
            author_id=self.author_id,
            text=self.text,
            submitted_at=self.submitted_at,
            reasons=tuple(reason.code for reason in self.reasons),
        )


class _QueueJson(BaseModel):
    items: list[_ItemJson]


class HttpHeldItems:
    def __init__(self, transport: UpstreamTransport) -> None:
        self._http = transport

    async def held(
        self, token: str, course_id: str | None, *, max_pages: int
    ) -> Sequence[HeldItem]:
        found: list[HeldItem] = []
        for page in range(max_pages):
            params: dict[str, str | int] = {"limit": PAGE, "offset": page * PAGE}
            if course_id is not None:
                params["course_id"] = course_id
            response = await self._http.get("/moderation/queue", token=token, params=params)
            try:
                queue = _QueueJson.model_validate(self._http.body(response))
            except ValidationError as exc:
                raise UpstreamUnavailable(self._http.upstream, "answered no queue") from exc
            found += [entry.item() for entry in queue.items]
            if len(queue.items) < PAGE:
                break
        return found
