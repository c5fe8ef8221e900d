//! One `Range: bytes=…` request over an object of a known size (RFC 9110 §14). Several ranges
//! are not served (the whole object is, with 200, which the RFC allows); a range that cannot be
//! satisfied is 416.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    /// No (usable) Range header: the whole object, 200.
    Whole,
    /// `length` bytes from `start`: 206 with `Content-Range: bytes start-end/size`.
    Part { start: u64, length: u64 },
    /// 416 with `Content-Range: bytes */size`.
    Unsatisfiable,
}

/// What `header` asks of an object of `size` bytes.
pub fn wanted(header: Option<&str>, size: u64) -> Wanted {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return Wanted::Whole;
    };
    if spec.contains(',') {
        return Wanted::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Wanted::Whole;
    };
    let number = |text: &str| -> Option<u64> {
        let text = text.trim();
        (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
            .then(|| text.parse().ok())
            .flatten()
    };
    match (first.trim().is_empty(), number(first), number(last)) {
        // bytes=-N: the last N bytes
        (true, _, Some(suffix)) => {
            if suffix == 0 || size == 0 {
                Wanted::Unsatisfiable
            } else {
                let length = suffix.min(size);
                Wanted::Part {
                    start: size - length,
                    length,
                }
            }
        }
        (false, Some(start), end) if last.trim().is_empty() || end.is_some() => {
            if start >= size {
                return Wanted::Unsatisfiable;
            }
            let end = end.map_or(size - 1, |end| end.min(size - 1));
            if end < start {
                return Wanted::Whole; // invalid range: ignored, as the RFC says
            }
            Wanted::Part {
                start,
                length: end - start + 1,
            }
        }
        _ => Wanted::Whole,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(start: u64, length: u64) -> Wanted {
        Wanted::Part { start, length }
    }

    #[test]
    fn single_ranges_of_each_form() {
        assert_eq!(wanted(Some("bytes=0-99"), 1_000), part(0, 100));
        assert_eq!(wanted(Some("bytes=900-"), 1_000), part(900, 100));
        assert_eq!(wanted(Some("bytes=-10"), 1_000), part(990, 10));
        assert_eq!(wanted(Some("bytes=-5000"), 1_000), part(0, 1_000));
        assert_eq!(wanted(Some("bytes=990-5000"), 1_000), part(990, 10));
    }

    #[test]
    fn beyond_the_end_is_416_and_anything_else_the_whole_object() {
        assert_eq!(wanted(Some("bytes=1000-"), 1_000), Wanted::Unsatisfiable);
        assert_eq!(wanted(Some("bytes=-0"), 1_000), Wanted::Unsatisfiable);
        for ignored in [
            None,
            Some("bytes=0-1,5-6"),
            Some("items=0-1"),
            Some("bytes=x-1"),
            Some("bytes=5-2"),
            Some("bytes=-"),
            Some("bytes=+1-2"),
        ] {
            assert_eq!(wanted(ignored, 1_000), Wanted::Whole, "{ignored:?}");
        }
    }
}
