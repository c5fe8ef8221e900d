"""The load run's lesson video (issue 25), made before Locust starts (`edu load` runs this).

ffmpeg generates a short clip (colour bars and a tone, 320x240, never downloaded or committed),
a seeded teacher uploads it to the first lesson of one of their published courses through the
api-gateway (``journeys.upload_video``: declared with its size and SHA-256, sent in checksummed
chunks, completed), and the script waits until video-transcoder has made its HLS ladder
(video-processor says ``ready``): the students' playback in the timed part needs a ready video,
and its transcoding must not take CPU from the measured calls. The teacher adds an English
caption track (WebVTT, written here). Writes what the scenarios read (load/scenarios/videos.py):
the video, its course and lesson, the clip and the captions, which the teachers upload again,
to their own new lessons, during the run.

    python load/lesson_video.py --gateway URL --teacher EMAIL --password P \\
        --course ID --lesson ID --out FOLDER
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx

from edu.testing import api_calls, journeys
from edu.testing.harness_client import HarnessClient

SERVICES = ("identity", "video-processor")
READY_WITHIN_S = 60.0
FFMPEG = shutil.which("ffmpeg") or "/usr/bin/ffmpeg"
CAPTIONS = """WEBVTT

00:00:00.000 --> 00:00:01.000
Colour bars and a tone.

00:00:01.000 --> 00:00:02.000
The same, a second later.
"""


def colour_bars_clip(path: Path, seconds: int = 2) -> Path:
    """``seconds`` of SMPTE bars and a 440 Hz tone as H.264/AAC MP4 (~22 KB for 2 s)."""
    subprocess.run(  # noqa: S603 - Debian's ffmpeg, fixed arguments
        [FFMPEG, "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", f"smptebars=size=320x240:rate=25:duration={seconds}",
         "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
         "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-b:a", "64k", "-shortest", "-movflags", "+faststart", str(path)],
        check=True,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    return path


def wait_until_ready(client: HarnessClient, token: str, video_id: str) -> dict[str, object]:
    """The video as its teacher reads it, once ready; a failure or the patience running out
    raises with what video-processor said."""
    deadline = time.monotonic() + READY_WITHIN_S
    while True:
        video: dict[str, object] = client.send(api_calls.video(token, video_id)).json()
        if video["status"] == "ready":
            return video
        if video["status"] == "failed" or time.monotonic() > deadline:
            raise RuntimeError(f"the lesson video is not ready: {video}")
        time.sleep(0.1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for option in ("gateway", "teacher", "password", "course", "lesson", "out"):
        parser.add_argument(f"--{option}", required=True)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    clip = colour_bars_clip(out / "lesson-clip.mp4")
    made = time.monotonic()
    urls = dict.fromkeys(SERVICES, args.gateway)
    with httpx.Client(timeout=30.0) as http:
        client = HarnessClient(urls, http)
        token = client.run(journeys.log_in(args.teacher, args.password)).access_token
        video_id = client.run(
            journeys.upload_video(token, args.course, args.lesson, clip.read_bytes())
        )
        uploaded = time.monotonic()
        video = wait_until_ready(client, token, video_id)
        ready = time.monotonic()
        captions = out / "lesson-captions.vtt"
        captions.write_text(CAPTIONS)
        client.send(api_calls.put_captions(token, video_id, "en", captions.read_bytes(), "English"))
    described = {
        "video_id": video_id,
        "course_id": args.course,
        "lesson_id": args.lesson,
        "clip": str(clip),
        "clip_bytes": clip.stat().st_size,
        "captions": str(captions),
        "renditions": video.get("renditions"),
        "seconds": {
            "clip": round(made - started, 2),
            "upload": round(uploaded - made, 2),
            "ready": round(ready - uploaded, 2),
        },
    }
    (out / "lesson-video.json").write_text(json.dumps(described, indent=2) + "\n")
    sys.stdout.write(json.dumps(described) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
