"""Lesson videos under chaos (issue 25): the transcoder killed -9 in the middle of a job.

``upload_lesson_video`` has a teacher (made once per run) make a course with one lesson and
upload a clip ffmpeg generates (colour bars and a tone, ``seconds`` long at ``height``p) through
video-processor's resumable upload; the video is recorded in the run's ``videos.json``.
``wait_until_transcoding`` returns once the transcoder's work folder holds a segment of that
video: ffmpeg is writing, so a kill that follows lands mid-job (it fails the run if the job
finished first: a kill after the end proves nothing).

``videos_transcoded_once`` (hypothesis) counts, for every recorded video: status ``ready`` at
video-processor; exactly one ``video.transcoded`` on the stream and no
``video.transcoding_failed``; in the object store one rendition set — the master playlist, the
poster, ``done.json`` and for each rung of the ladder its playlist and exactly the segments it
names (an orphan segment of the killed attempt, a missing one, or a rung the verdict does not
list is a violation); no upload part left; nothing of the video in the transcoder's work folder.
Before the method there is nothing to count.

The transcoder takes a job through a durable JetStream consumer acked after ``done.json``; a job
a kill -9 interrupted comes back after ``ack_wait`` (2 s in the chaos stack) and starts over
from an emptied folder (workers/rs/video-transcoder, app::job).
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import nats
from chaoslib.exceptions import InterruptExecution

from edu.chaos.load import PASSWORD
from edu.chaos.target import Target, mark, run_dir
from edu.testing import api_calls, journeys
from edu.testing.harness_client import HarnessClient, UnexpectedStatus

TRANSCODER = "video-transcoder"
LESSON = {"title": "Watch this", "estimated_minutes": 5, "body_markdown": "Watch."}
SEGMENT = re.compile(r"^segment_\d+\.ts$")


def _videos_path() -> Path:
    return run_dir() / "videos.json"


def _recorded() -> list[dict[str, str]]:
    path = _videos_path()
    return json.loads(path.read_text()) if path.is_file() else []


def clip(path: Path, seconds: int, height: int) -> None:
    """Colour bars and a 440 Hz tone, H.264/AAC in MP4, made by ffmpeg (never downloaded)."""
    width = height * 16 // 9
    subprocess.run(
        [
            "ffmpeg",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc=size={width}x{height}:rate=25:duration={seconds}",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:duration={seconds}",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-crf",
            "35",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-shortest",
            str(path),
        ],
        check=True,
        stdin=subprocess.DEVNULL,
        capture_output=True,
    )


def upload_lesson_video(seconds: int = 12, height: int = 720) -> dict[str, Any]:
    """A teacher uploads a generated clip to a new course's lesson; recorded for the probe."""
    target = Target.load()
    word = uuid.uuid4().hex[:10]
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "clip.mp4"
        clip(path, seconds, height)
        data = path.read_bytes()
    with httpx.Client(timeout=30.0) as http:
        client = HarnessClient(target.api_urls, http)
        teacher = client.run(
            journeys.new_account(
                f"chaos-video-{word}@chaos.eduplatform.test", PASSWORD, teacher=True
            )
        )
        draft = {"title": f"Chaos video {word}", "summary": "A lesson video under chaos."}
        course = client.run(journeys.make_course(teacher.access_token, draft, [LESSON]))
        video = client.run(
            journeys.upload_video(teacher.access_token, course.id, course.lesson_ids[0], data)
        )
    _videos_path().write_text(
        json.dumps([*_recorded(), {"id": video, "token": teacher.access_token}], indent=2)
    )
    return mark("video-uploaded", video=video, bytes=len(data), seconds=seconds, height=height)


def _work_dir(target: Target) -> Path:
    return Path(target.data["video"]["work_dir"])


def _store_dir(target: Target) -> Path:
    return Path(target.data["video"]["store_dir"])


def wait_until_transcoding(timeout_s: float = 30.0) -> dict[str, Any]:
    """Until ffmpeg has written a segment of the last uploaded video in the work folder."""
    target = Target.load()
    video = _recorded()[-1]["id"]
    work = _work_dir(target) / video
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        if any(SEGMENT.match(p.name) for p in work.rglob("segment_*.ts")):
            return mark(
                "transcoding-seen", video=video, after_s=round(time.monotonic() - started, 2)
            )
        if (_store_dir(target) / "videos" / video / "hls" / "done.json").is_file():
            raise InterruptExecution(
                f"the transcoder finished {video} before it could be killed: a longer clip is needed"
            )
        time.sleep(0.05)
    raise InterruptExecution(f"no segment of {video} in {work} within {timeout_s:g} s")


async def _verdicts(nats_url: str, stream: str, prefix: str) -> dict[str, list[str]]:
    """Every ``video.transcoded`` / ``video.transcoding_failed`` message's body, by type."""
    connection = await nats.connect(nats_url)
    try:
        jetstream = connection.jetstream()
        found: dict[str, list[str]] = {"video.transcoded": [], "video.transcoding_failed": []}
        for kind, bodies in found.items():
            subject = f"{prefix}.{kind}"
            info = await jetstream.stream_info(stream, subjects_filter=subject)
            count = (info.state.subjects or {}).get(subject, 0)  # state.messages is the stream's
            if not count:
                continue
            consumer = await jetstream.pull_subscribe(subject, stream=stream)
            try:
                while len(bodies) < count:
                    for message in await consumer.fetch(100, timeout=5):
                        bodies.append(message.data.decode("utf-8", "replace"))
                        await message.ack()
            finally:
                await consumer.unsubscribe()
        return found
    finally:
        await connection.close()


def _rendition_set(hls: Path, heights: list[int]) -> list[str]:
    """What is wrong with a video's HLS folder: anything but one whole rendition set."""
    wrong = []
    expected_top = {"master.m3u8", "poster.jpg", "done.json", *(f"{h}p" for h in heights)}
    present = {p.name for p in hls.iterdir()} if hls.is_dir() else set()
    if present != expected_top:
        wrong.append(
            f"{hls.name}: missing {sorted(expected_top - present)}, extra {sorted(present - expected_top)}"
        )
    for height in heights:
        rung = hls / f"{height}p"
        playlist = rung / "index.m3u8"
        if not playlist.is_file():
            wrong.append(f"{height}p: no playlist")
            continue
        named = {line for line in playlist.read_text().splitlines() if SEGMENT.match(line)}
        files = {p.name for p in rung.iterdir()} - {"index.m3u8"}
        if not named:
            wrong.append(f"{height}p: a playlist naming no segment")
        if files != named:
            wrong.append(
                f"{height}p: segments missing {sorted(named - files)[:3]}, "
                f"orphans {sorted(files - named)[:3]}"
            )
    return wrong


def videos_transcoded_once(patience_s: float = 40.0) -> dict[str, Any]:
    """Every video this run uploaded is ready with exactly one verdict and one rendition set,
    and no file of an interrupted attempt is left (waits up to ``patience_s`` for the job)."""
    videos = _recorded()
    if not videos:
        return {"ok": True, "phase": "before the method: no video uploaded in this run yet"}
    target = Target.load()
    started = time.monotonic()
    statuses: dict[str, str] = {}
    with httpx.Client(timeout=5.0) as http:
        client = HarnessClient(target.api_urls, http)
        while True:
            statuses = {}
            for video in videos:
                try:
                    read = client.send(api_calls.video(video["token"], video["id"])).json()
                    statuses[video["id"]] = str(read.get("status"))
                except (httpx.HTTPError, UnexpectedStatus) as exc:
                    statuses[video["id"]] = f"unreadable ({type(exc).__name__})"
            settled = all(s in ("ready", "failed") for s in statuses.values())
            if settled or time.monotonic() - started > patience_s:
                break
            time.sleep(0.25)
    video_settings = target.data["video"]
    found = asyncio.run(
        _verdicts(target.infrastructure["nats"], video_settings["stream"], video_settings["prefix"])
    )
    violations = []
    figures = []
    for video in videos:
        vid = video["id"]
        transcoded = [b for b in found["video.transcoded"] if vid in b]
        failed = [b for b in found["video.transcoding_failed"] if vid in b]
        if statuses[vid] != "ready":
            violations.append(f"{vid}: {statuses[vid]}, not ready after {patience_s:g} s")
        if len(transcoded) != 1 or failed:
            violations.append(
                f"{vid}: {len(transcoded)} video.transcoded and {len(failed)} "
                "video.transcoding_failed on the stream (one verdict expected)"
            )
        store = _store_dir(target)
        hls = store / "videos" / vid / "hls"
        heights = _heights(hls / "done.json")
        violations += [f"{vid}: {w}" for w in _rendition_set(hls, heights)]
        if (store / "uploads" / f"{vid}.part").exists():
            violations.append(f"{vid}: the upload's part file is still in the store")
        leftover = _work_dir(target) / vid
        if leftover.exists():
            files = [str(p.relative_to(leftover)) for p in leftover.rglob("*")][:5]
            violations.append(f"{vid}: the work folder still holds {files}")
        segments = sum(1 for _ in hls.rglob("segment_*.ts"))
        figures.append({"video": vid, "renditions": heights, "segments": segments})
    report = {
        "ok": not violations,
        "violations": violations,
        "videos": len(videos),
        "ready": sum(1 for s in statuses.values() if s == "ready"),
        "lost": sum(1 for s in statuses.values() if s != "ready"),
        "duplicated": sum(
            max(0, sum(1 for b in found["video.transcoded"] if v["id"] in b) - 1) for v in videos
        ),
        "figures": figures,
        "settled_in_s": round(time.monotonic() - started, 2),
        "phase": "after the method",
    }
    (run_dir() / "video-ledger.json").write_text(json.dumps(report, indent=2))
    return report


def _heights(done: Path) -> list[int]:
    """The rungs the transcoder's verdict lists (``done.json`` holds the event's payload)."""
    if not done.is_file():
        return []
    payload = json.loads(done.read_text())
    renditions = payload.get("renditions", [])
    return sorted(int(r["height"]) for r in renditions)
