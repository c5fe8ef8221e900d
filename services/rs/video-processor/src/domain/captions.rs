//! Caption tracks: a `WebVTT` file per video and language, checked before it is stored.
//!
//! A track is refused with a reason a teacher can act on: 415 when it is declared as anything
//! but `text/vtt`, 413 over the size limit (from `Content-Length` before the body is read, and
//! again on the bytes), 422 when the language is not a language tag, the bytes are not UTF-8
//! text or the file does not start with the `WEBVTT` signature (an optional byte-order mark
//! before it, then a space, a tab, a line end or nothing).

use uuid::Uuid;

use crate::domain::video::{Refusal, bare_media_type};

/// The only media type a caption track is taken as.
pub const CAPTIONS_TYPE: &str = "text/vtt";

/// How a track is served.
pub const SERVED_TYPE: &str = "text/vtt; charset=utf-8";

/// Where a track lies in the object store: under the video's prefix, named by its normalised
/// language tag (letters, digits and `-` only, so no caller's text becomes a path).
pub fn key(video: Uuid, language: &str) -> String {
    format!(
        "{}/captions/{language}.vtt",
        edu_video::keys::video_prefix(video)
    )
}

/// The largest caption file taken (a feature film's subtitles are ~100 KiB).
pub const MAX_CAPTION_BYTES: u64 = 512 * 1024;

/// A stored track as the player needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caption {
    /// Normalised language tag (`en`, `el`, `pt-BR`).
    pub language: String,
    /// What the player's caption menu shows.
    pub label: String,
    pub size_bytes: u64,
}

/// `en`, `EL`, `pt-br`, `pt_BR` → `en`, `el`, `pt-BR`, `pt-BR`; anything that is not a primary
/// language subtag (2-3 letters) with optional subtags (2-8 letters or digits) is refused.
pub fn normalise_language(raw: &str) -> Result<String, Refusal> {
    let invalid = || {
        Refusal::Invalid(
            "language",
            format!(
                "{raw:?} is not a language code; use a code such as \"en\", \"el\" or \"pt-BR\""
            ),
        )
    };
    let mut parts = raw.trim().split(['-', '_']);
    let primary = parts.next().unwrap_or("");
    if !(2..=3).contains(&primary.len()) || !primary.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(invalid());
    }
    let mut tag = primary.to_ascii_lowercase();
    for sub in parts {
        if !(2..=8).contains(&sub.len()) || !sub.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(invalid());
        }
        tag.push('-');
        // a region (`BR`) upper-case, a script or a variant as written
        if sub.len() == 2 && sub.bytes().all(|b| b.is_ascii_alphabetic()) {
            tag.push_str(&sub.to_ascii_uppercase());
        } else {
            tag.push_str(sub);
        }
    }
    if tag.len() > 35 {
        return Err(invalid());
    }
    Ok(tag)
}

/// The label shown in the player: the teacher's own (trimmed, at most 100 characters), else
/// the language's name when we know it, else the tag itself.
pub fn label_for(language: &str, given: Option<&str>) -> Result<String, Refusal> {
    if let Some(given) = given.map(str::trim).filter(|g| !g.is_empty()) {
        if given.chars().count() > 100 || given.chars().any(char::is_control) {
            return Err(Refusal::Invalid(
                "label",
                "a label is at most 100 characters on one line".into(),
            ));
        }
        return Ok(given.to_owned());
    }
    let primary = language.split('-').next().unwrap_or(language);
    let name = match primary {
        "en" => "English",
        "el" => "Ελληνικά",
        "de" => "Deutsch",
        "es" => "Español",
        "fr" => "Français",
        "it" => "Italiano",
        "pt" => "Português",
        "nl" => "Nederlands",
        _ => return Ok(language.to_owned()),
    };
    Ok(name.to_owned())
}

/// Checks the declared media type and length before a byte is read.
pub fn check_declared(content_type: &str, length: Option<u64>) -> Result<(), Refusal> {
    if bare_media_type(content_type) != CAPTIONS_TYPE {
        return Err(Refusal::UnsupportedType(format!(
            "Captions are taken as WebVTT (text/vtt), not {content_type:?}; save them as a .vtt file."
        )));
    }
    if let Some(length) = length {
        check_size(length)?;
    }
    Ok(())
}

fn check_size(length: u64) -> Result<(), Refusal> {
    if length > MAX_CAPTION_BYTES {
        return Err(Refusal::TooLarge(format!(
            "The captions file is {length} bytes; the limit is {MAX_CAPTION_BYTES} bytes (512 KiB)."
        )));
    }
    Ok(())
}

/// Checks the file itself: its size, UTF-8 and the `WEBVTT` signature.
pub fn check_file(bytes: &[u8]) -> Result<(), Refusal> {
    check_size(bytes.len() as u64)?;
    if bytes.is_empty() {
        return Err(Refusal::Invalid(
            "body",
            "the captions file is empty".into(),
        ));
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(Refusal::Invalid(
            "body",
            "the captions file is not UTF-8 text; save it as UTF-8".into(),
        ));
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let after = text.strip_prefix("WEBVTT");
    let signed =
        after.is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\n', '\r']));
    if !signed {
        return Err(Refusal::Invalid(
            "body",
            "a WebVTT file starts with the line \"WEBVTT\"; this one does not (is it an .srt file?)"
                .into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_codes_are_normalised_and_anything_else_is_422() {
        for (raw, tag) in [
            ("en", "en"),
            ("EL", "el"),
            ("pt-br", "pt-BR"),
            ("pt_BR", "pt-BR"),
            ("zh-Hant", "zh-Hant"),
            ("fil", "fil"),
        ] {
            assert_eq!(normalise_language(raw).unwrap(), tag, "{raw}");
        }
        for bad in [
            "", "e", "engl", "e1", "en-", "en-x", "../x", "en/us", "en us", "ελ",
        ] {
            assert!(
                matches!(
                    normalise_language(bad),
                    Err(Refusal::Invalid("language", _))
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_label_is_the_teachers_or_the_languages_name() {
        assert_eq!(label_for("en", None).unwrap(), "English");
        assert_eq!(label_for("el", Some("  ")).unwrap(), "Ελληνικά");
        assert_eq!(label_for("pt-BR", None).unwrap(), "Português");
        assert_eq!(label_for("fi", None).unwrap(), "fi");
        assert_eq!(
            label_for("en", Some(" English (SDH) ")).unwrap(),
            "English (SDH)"
        );
        assert!(label_for("en", Some(&"x".repeat(101))).is_err());
        assert!(label_for("en", Some("two\nlines")).is_err());
    }

    #[test]
    fn only_text_vtt_is_taken_415_otherwise() {
        for ok in ["text/vtt", "TEXT/VTT; charset=utf-8"] {
            assert_eq!(check_declared(ok, Some(10)), Ok(()), "{ok}");
        }
        for bad in ["text/plain", "application/x-subrip", "", "text/vttx"] {
            assert!(
                matches!(
                    check_declared(bad, Some(10)),
                    Err(Refusal::UnsupportedType(_))
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn over_the_limit_is_413_declared_or_read() {
        assert_eq!(check_declared("text/vtt", Some(MAX_CAPTION_BYTES)), Ok(()));
        assert!(matches!(
            check_declared("text/vtt", Some(MAX_CAPTION_BYTES + 1)),
            Err(Refusal::TooLarge(_))
        ));
        let mut big = b"WEBVTT\n\n".to_vec();
        big.resize(usize::try_from(MAX_CAPTION_BYTES).unwrap() + 1, b'a');
        assert!(matches!(check_file(&big), Err(Refusal::TooLarge(_))));
        big.truncate(usize::try_from(MAX_CAPTION_BYTES).unwrap());
        assert_eq!(check_file(&big), Ok(()));
    }

    #[test]
    fn a_webvtt_file_starts_with_its_signature() {
        for ok in [
            &b"WEBVTT"[..],
            b"WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n",
            b"WEBVTT - a title\r\n",
            b"WEBVTT\tx\n",
            "\u{feff}WEBVTT\n\n00:00.000 --> 00:01.000\nΓεια σου\n".as_bytes(),
        ] {
            assert_eq!(check_file(ok), Ok(()), "{}", String::from_utf8_lossy(ok));
        }
        for bad in [
            &b"1\n00:00:00,000 --> 00:00:01,000\nHello\n"[..],
            b"WEBVTTX\n",
            b"webvtt\n",
            b" WEBVTT\n",
            b"",
        ] {
            assert!(
                matches!(check_file(bad), Err(Refusal::Invalid("body", _))),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn bytes_that_are_not_utf8_are_422() {
        let latin1 = b"WEBVTT\n\n00:00.000 --> 00:01.000\nCaf\xe9\n";
        let Err(Refusal::Invalid("body", why)) = check_file(latin1) else {
            panic!("accepted Latin-1");
        };
        assert!(why.contains("UTF-8"), "{why}");
    }
}
