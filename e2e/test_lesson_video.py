"""Flow: a teacher uploads a lesson video on the lesson's edit page (issue 25) and watches it
being prepared; an enrolled student plays it on the lesson page.

The clip is made here by Debian's ffmpeg (2 s of colour bars and a tone, 320x240, ~60 KB),
never downloaded or committed. web relays it to video-processor through the api-gateway in
checksummed chunks, the video-transcoder makes the HLS ladder and poster, and the student's
browser (Debian's Chromium, which plays HLS natively) fetches the signed playlists and segments
from the gateway; the teacher's WebVTT captions (written here) come as a ``<track>`` whose cue
the browser loads and shows. "Plays" is measured, not assumed: ``currentTime`` advances and ``readyState``
reaches HAVE_ENOUGH_DATA. The player's screenshot is kept with the run's screens."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from edu.testing import journeys
from edu.testing.harness_client import HarnessClient

PASSWORD = "violet-kettle-orbit-9"
READY_WITHIN_S = 60.0
CAPTION = "Colour bars and a 440 Hz tone"
FFMPEG = shutil.which("ffmpeg") or "/usr/bin/ffmpeg"


def colour_bars_clip(folder: Path) -> Path:
    """2 s of SMPTE bars and a 440 Hz tone as H.264/AAC MP4."""
    clip = folder / "bars.mp4"
    subprocess.run(
        [FFMPEG, "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", "smptebars=size=320x240:rate=25:duration=2",
         "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
         "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-b:a", "64k", "-shortest", "-movflags", "+faststart", str(clip)],
        check=True,
        timeout=60,
    )  # fmt: skip
    return clip


def wait_until_ready(page: Page, editor: str) -> None:
    """The transcoder works from the event stream: reload the edit page (its "Check again")
    until the status says ready; a failure is reported with the teacher's reason."""
    deadline = time.monotonic() + READY_WITHIN_S
    status = page.locator("[data-video-status]")
    while True:
        state = status.get_attribute("data-video-status")
        if state == "ready":
            return
        assert state != "failed", f"transcoding failed: {status.inner_text()}"
        assert time.monotonic() < deadline, f"not ready within {READY_WITHIN_S} s: {state}"
        page.wait_for_timeout(500)
        page.goto(editor)


class TestLessonVideo:
    def test_a_teacher_uploads_a_video_and_an_enrolled_student_plays_it(
        self,
        page: Page,
        new_context: Callable[..., BrowserContext],
        api: HarnessClient,
        new_account: Callable[..., tuple[str, str]],
        log_in: Callable[..., None],
        screens: Path,
        tmp_path: Path,
    ) -> None:
        if not Path(FFMPEG).is_file():
            pytest.fail("no ffmpeg: `apt-get install -y ffmpeg` (Debian's)", pytrace=False)
        tag = uuid.uuid4().hex[:8]
        teacher_email, teacher_token = new_account("teacher", teacher=True)
        draft = {"title": f"Colour bars {tag}", "summary": "Watch them.", "tags": ["e2e"]}
        lesson = {"title": "The bars", "estimated_minutes": 1, "body_markdown": "Look."}
        course = api.run(journeys.make_course(teacher_token, draft, [lesson]))
        course_id, lesson_id = course.id, course.lesson_ids[0]

        log_in(page, teacher_email)
        editor = f"/teach/courses/{course_id}/lessons/{lesson_id}"
        page.goto(editor)
        upload = page.get_by_role("region", name="Lesson video")
        upload.get_by_label("Video file").set_input_files(colour_bars_clip(tmp_path))
        upload.get_by_role("button", name="Upload video").click()
        expect(page.get_by_text("Video uploaded.")).to_be_visible()
        wait_until_ready(page, editor)
        expect(page.get_by_role("status").filter(has_text="The video is ready")).to_be_visible()

        # Captions: a WebVTT track made here, added on the same page (its own form).
        captions = page.get_by_role("region", name="Captions")
        srt = tmp_path / "bars.srt.vtt"
        srt.write_text("1\n00:00:00,000 --> 00:00:02,000\nNot WebVTT\n", encoding="utf-8")
        captions.get_by_label("Language code").fill("en")
        captions.get_by_label("Captions file").set_input_files(srt)
        captions.get_by_role("button", name="Add captions").click()
        expect(page.locator("#captions-error")).to_contain_text('starts with the line "WEBVTT"')
        vtt = tmp_path / "bars.vtt"
        vtt.write_text(f"WEBVTT\n\n00:00.000 --> 00:02.000\n{CAPTION}\n", encoding="utf-8")
        captions = page.get_by_role("region", name="Captions")
        captions.get_by_label("Captions file").set_input_files(vtt)
        captions.get_by_role("button", name="Add captions").click()
        expect(page.get_by_text("Captions saved")).to_be_visible()
        expect(captions.get_by_role("listitem")).to_have_text("English (en)")

        # Not enrolled yet: video-processor refuses the links, the page offers enrolment.
        student_email, student_token = new_account("student")
        student = new_context().new_page()
        log_in(student, student_email)
        student.goto(f"/courses/{course_id}/lessons/{lesson_id}")
        expect(student.get_by_text("enrol to watch it")).to_be_visible()
        expect(student.locator("video")).to_have_count(0)

        api.run(journeys.enrol(student_token, course_id))
        student.reload()
        video = student.get_by_label("The video for this lesson: The bars")
        expect(video).to_be_visible()
        played = video.evaluate(
            """async (v) => {
                // play() is not awaited: a source that never loads must fail the test, not
                // leave it waiting on a promise that never settles.
                v.muted = true;
                let refused = null;
                v.play().catch((e) => { refused = String(e); });
                const started = performance.now();
                while (v.currentTime < 1.0 && !v.error && !refused
                       && performance.now() - started < 15000) {
                    await new Promise((r) => setTimeout(r, 100));
                }
                v.pause();
                return {time: v.currentTime, ready: v.readyState, width: v.videoWidth,
                        source: v.currentSrc, error: (v.error && v.error.message) || refused};
            }"""
        )
        assert played["error"] is None, played
        assert played["time"] >= 1.0, played
        assert played["ready"] >= 3, played  # HAVE_FUTURE_DATA or better: frames to show
        assert played["width"] > 0, played
        assert played["source"].endswith("/hls/master.m3u8"), played  # HLS, not the fallback
        video.screenshot(path=screens / "lesson-video-player.png")

        # The captions track: the signed link, loaded by the browser, its cue shown.
        track = student.locator("video track[kind=captions]")
        expect(track).to_have_attribute("srclang", "en")
        expect(track).to_have_attribute("label", "English")
        assert "/captions/en.vtt" in (track.get_attribute("src") or "")
        loaded = video.evaluate(
            """async (v) => {
                const t = v.textTracks[0];
                t.mode = "showing";
                const started = performance.now();
                while ((!t.cues || t.cues.length === 0) && performance.now() - started < 10000) {
                    await new Promise((r) => setTimeout(r, 100));
                }
                v.currentTime = 1.0;
                await new Promise((r) => setTimeout(r, 300));
                return {cues: t.cues ? t.cues.length : 0, mode: t.mode, language: t.language,
                        text: t.cues && t.cues.length ? t.cues[0].text : null,
                        active: t.activeCues ? t.activeCues.length : 0};
            }"""
        )
        assert loaded["cues"] > 0, loaded
        assert loaded["text"] == CAPTION, loaded
        assert loaded["active"] == 1, loaded  # at 1 s the cue is on screen
        video.screenshot(path=screens / "lesson-video-captions.png")


CHUNK = 2048  # small chunks for the test (the page's data-chunk-bytes is 1 MiB)


class TestResumableLessonVideoUpload:
    def test_the_browser_uploads_in_chunks_and_resumes_after_a_dropped_request_and_a_reload(
        self,
        page: Page,
        api: HarnessClient,
        new_account: Callable[..., tuple[str, str]],
        log_in: Callable[..., None],
        screens: Path,
        tmp_path: Path,
    ) -> None:
        """static/video-upload.js: a refused file's reason under the field; then the clip in
        2 KiB checksummed chunks, one chunk request dropped (resumed from the upload's state,
        nothing before it sent again), later the network gone (the script stops and says how
        far it got), the page reloaded and the same file chosen: it goes on from where
        video-processor stands, and the video ends ready with exactly the clip's bytes."""
        if not Path(FFMPEG).is_file():
            pytest.fail("no ffmpeg: `apt-get install -y ffmpeg` (Debian's)", pytrace=False)
        tag = uuid.uuid4().hex[:8]
        teacher_email, teacher_token = new_account("teacher", teacher=True)
        draft = {"title": f"Resumed bars {tag}", "summary": "Again.", "tags": ["e2e"]}
        lesson = {"title": "The bars again", "estimated_minutes": 1, "body_markdown": "Look."}
        course = api.run(journeys.make_course(teacher_token, draft, [lesson]))
        clip = colour_bars_clip(tmp_path)
        size = clip.stat().st_size
        assert size > 6 * CHUNK, size

        sent: list[int] = []  # the offset of every chunk request the page made
        state = {"dropped": False, "network": True}

        def chunks(route: Route) -> None:
            offset = int(route.request.url.rsplit("offset=", 1)[1])
            sent.append(offset)
            if offset == 2 * CHUNK and not state["dropped"]:
                state["dropped"] = True
                route.abort("connectionreset")
            elif offset >= 5 * CHUNK and not state["network"]:
                route.abort("internetdisconnected")
            else:
                route.continue_()

        page.route("**/video/uploads/*/content?offset=*", chunks)
        log_in(page, teacher_email)
        editor = f"/teach/courses/{course.id}/lessons/{course.lesson_ids[0]}"
        page.goto(editor)
        upload = page.get_by_role("region", name="Lesson video")
        form = upload.locator("form[data-video-upload]")
        error = upload.locator("#video-upload-error")

        # Refused before a byte is sent: video-processor's 415 detail, said under the field.
        notes = tmp_path / "notes.txt"
        notes.write_text("Not a video.")
        upload.get_by_label("Video file").set_input_files(notes)
        upload.get_by_role("button", name="Upload video").click()
        expect(error).to_contain_text('"text/plain" is not a video type we take')
        upload.screenshot(path=screens / "lesson-video-upload-refused.png")
        assert sent == []

        # The clip: one chunk request dropped, then the network gone from the sixth chunk on.
        def small_chunks() -> None:
            form.evaluate(
                f"f => {{ f.dataset.chunkBytes = '{CHUNK}'; f.dataset.retries = '2';"
                " f.dataset.retryMs = '200'; }"
            )

        small_chunks()
        state["network"] = False
        upload.get_by_label("Video file").set_input_files(clip)
        upload.get_by_role("button", name="Upload video").click()
        stopped_at = f"interrupted at {round(5 * CHUNK / 1024)} KB of {round(size / 1024)} KB"
        expect(error).to_contain_text(stopped_at)
        progress = upload.locator("#video-upload-bar")
        assert progress.get_attribute("max") == str(size)
        assert int(progress.evaluate("p => p.value")) == 5 * CHUNK
        upload.screenshot(path=screens / "lesson-video-upload-interrupted.png")
        assert sent[:4] == [0, CHUNK, 2 * CHUNK, 2 * CHUNK], sent  # the dropped one, again
        assert sent[4:6] == [3 * CHUNK, 4 * CHUNK], sent
        assert sent[6:] == [5 * CHUNK] * 3, sent  # the first try and 2 retries

        # A reload: the page says how far it got; the same file goes on from there.
        state["network"] = True
        page.reload()
        expect(error).to_contain_text("stopped before it finished")
        before = len(sent)
        small_chunks()
        upload.get_by_label("Video file").set_input_files(clip)
        upload.get_by_role("button", name="Upload video").click()
        expect(page.get_by_text("Video uploaded.")).to_be_visible()
        resumed = sent[before:]
        assert resumed == list(range(5 * CHUNK, size, CHUNK)), resumed
        assert sent.count(0) == 1, sent  # never started again from the beginning

        wait_until_ready(page, editor)
        watch = page.locator("input[name=video_url]").input_value()
        original = page.request.get(urlsplit(watch).path)  # /watch/<id> -> the stored original
        assert original.ok, original.status
        assert original.body() == clip.read_bytes()
