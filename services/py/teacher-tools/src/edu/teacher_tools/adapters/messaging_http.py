"""messaging's Q&A history (``GET /qa/courses/{id}/posts``), read page by page from the start
with the teacher's token: the teacher sees every visible post of the course."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ValidationError

from edu.teacher_tools.adapters.transport import UpstreamTransport
from edu.teacher_tools.domain.questions import Post, PostKind
from edu.teacher_tools.service_layer.ports import PostsRead, UpstreamUnavailable

PAGE = 100  # messaging's largest page


class _PostJson(BaseModel):
    id: str
    kind: str
    author_id: str
    body: str
    created_at: datetime
    seq: int | None = None
    question_id: str | None = None

    def post(self) -> Post | None:
        if self.kind not in PostKind.__members__.values():
            return None  # a kind this client does not know yet: not a question
        return Post(
            id=self.id,
            kind=PostKind(self.kind),
            author_id=self.author_id,
            body=self.body,
            created_at=self.created_at,
            seq=self.seq,
            question_id=self.question_id,
        )


class _HistoryJson(BaseModel):
    posts: list[_PostJson]
    more: bool


class HttpQaHistory:
    def __init__(self, transport: UpstreamTransport) -> None:
        self._http = transport

    async def posts(self, token: str, course_id: str, *, max_pages: int) -> PostsRead:
        posts: list[Post] = []
        after = 0
        for _ in range(max_pages):
            page = await self._page(token, course_id, after)
            posts += [post for entry in page.posts if (post := entry.post()) is not None]
            seqs = [entry.seq for entry in page.posts if entry.seq is not None]
            if not page.more or not seqs:
                return PostsRead(posts, complete=True)
            after = max(seqs)
        return PostsRead(posts, complete=False)

    async def _page(self, token: str, course_id: str, after: int) -> _HistoryJson:
        response = await self._http.get(
            f"/qa/courses/{course_id}/posts", token=token, params={"after": after, "limit": PAGE}
        )
        if response.status_code == 403:
            raise UpstreamUnavailable(
                self._http.upstream, "does not count you as this course's teacher yet"
            )
        try:
            return _HistoryJson.model_validate(self._http.body(response))
        except ValidationError as exc:
            raise UpstreamUnavailable(self._http.upstream, "answered no history page") from exc
