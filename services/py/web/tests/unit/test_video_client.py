"""web's video-processor client: a file goes out declared (size, type, SHA-256), in chunks of at
most 1 MiB — under the api-gateway's 2 MiB body cap — each at the offset where the previous one
ended and with its own SHA-256, then completed."""

from __future__ import annotations

import hashlib
import io
import json
from uuid import uuid4

import httpx

from edu.web.clients.transport import ServiceTransport
from edu.web.clients.videos import CHUNK_BYTES, HttpVideoClient

GATEWAY_BODY_CAP = 2 * 1024 * 1024


class TestUpload:
    async def test_the_file_is_declared_sent_in_checksummed_chunks_and_completed(self) -> None:
        video_id, course_id, lesson_id = uuid4(), uuid4(), uuid4()
        data = bytes(range(256)) * (10 * 1024)  # 2.5 MiB: three chunks
        seen: list[httpx.Request] = []

        def video_processor(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            video = {
                "id": str(video_id),
                "course_id": str(course_id),
                "lesson_id": str(lesson_id),
                "status": "processing" if request.url.path.endswith("/complete") else "uploading",
                "size_bytes": len(data),
                "received_bytes": 0,
                "progress_percent": 0,
            }
            return httpx.Response(201 if request.url.path == "/videos" else 200, json=video)

        transport = ServiceTransport(
            "video-processor",
            "http://gateway.test",
            timeout=1.0,
            transport=httpx.MockTransport(video_processor),
        )
        client = HttpVideoClient(transport)
        done = await client.upload("t", course_id, lesson_id, "video/mp4", io.BytesIO(data))

        assert done.status == "processing"
        declare, *chunks, complete = seen
        assert json.loads(declare.content) == {
            "course_id": str(course_id),
            "lesson_id": str(lesson_id),
            "size_bytes": len(data),
            "content_type": "video/mp4",
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        assert [c.url.params["offset"] for c in chunks] == ["0", str(CHUNK_BYTES), "2097152"]
        assert all(len(c.content) <= CHUNK_BYTES < GATEWAY_BODY_CAP for c in chunks)
        assert b"".join(c.content for c in chunks) == data
        for chunk in chunks:
            assert chunk.headers["chunk-sha256"] == hashlib.sha256(chunk.content).hexdigest()
            assert chunk.headers["authorization"] == "Bearer t"
        assert (complete.method, complete.url.path) == ("POST", f"/videos/{video_id}/complete")
