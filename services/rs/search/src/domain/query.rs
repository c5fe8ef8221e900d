//! A search request read from its raw parameters ([`SearchRequest::parse`]): every problem is
//! named by its parameter, never a panic or a 500. Words are lower-cased and split on anything
//! not a letter or digit; each gets a typo budget ([`typo_budget`]) and the last one also
//! matches as a prefix (the user may still be typing it).

use std::fmt;

pub const MAX_QUERY_CHARS: usize = 200;
pub const MAX_WORDS: usize = 12;
pub const MAX_LIMIT: usize = 100;
pub const DEFAULT_LIMIT: usize = 20;
pub const MAX_OFFSET: usize = 10_000;
pub const LEVELS: [&str; 3] = ["beginner", "intermediate", "advanced"];
const MAX_TAG_CHARS: usize = 32;

/// A valid search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRequest {
    /// The words searched for (empty: browse every listed course).
    pub words: Vec<String>,
    pub level: Option<String>,
    pub tag: Option<String>,
    pub limit: usize,
    pub offset: usize,
}

/// One parameter that cannot be used, with why (becomes a `FieldProblem`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParameterProblem {
    pub parameter: &'static str,
    pub message: String,
}

impl fmt::Display for ParameterProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.parameter, self.message)
    }
}

/// The raw query-string values (absent: `None`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawSearch<'a> {
    pub q: Option<&'a str>,
    pub level: Option<&'a str>,
    pub tag: Option<&'a str>,
    pub limit: Option<&'a str>,
    pub offset: Option<&'a str>,
}

impl SearchRequest {
    pub fn parse(raw: &RawSearch<'_>) -> Result<Self, Vec<ParameterProblem>> {
        let mut problems = Vec::new();
        let mut problem = |parameter, message: String| {
            problems.push(ParameterProblem { parameter, message });
        };
        let q = raw.q.unwrap_or("");
        if q.chars().count() > MAX_QUERY_CHARS {
            problem("q", format!("at most {MAX_QUERY_CHARS} characters"));
        }
        if q.contains('\0') {
            problem("q", "must not contain NUL characters".into());
        }
        let words = words(q);
        if words.len() > MAX_WORDS {
            problem("q", format!("at most {MAX_WORDS} words"));
        }
        let level = raw.level.filter(|l| !l.is_empty());
        if let Some(level) = level
            && !LEVELS.contains(&level)
        {
            problem("level", format!("one of {}", LEVELS.join(", ")));
        }
        let tag = raw.tag.filter(|t| !t.is_empty());
        if let Some(tag) = tag
            && !is_tag(tag)
        {
            problem(
                "tag",
                format!(
                    "a tag: lower-case letters and digits joined by '-', at most {MAX_TAG_CHARS} characters"
                ),
            );
        }
        let limit = number(raw.limit, DEFAULT_LIMIT, 1, MAX_LIMIT).unwrap_or_else(|message| {
            problem("limit", message);
            DEFAULT_LIMIT
        });
        let offset = number(raw.offset, 0, 0, MAX_OFFSET).unwrap_or_else(|message| {
            problem("offset", message);
            0
        });
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Self {
            words,
            level: level.map(str::to_owned),
            tag: tag.map(str::to_owned),
            limit,
            offset,
        })
    }
}

/// The words of a text, lower-cased, split on anything not alphanumeric.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// How many edits a word may be away from what it matches: none under 4 characters, 1 from
/// 4, 2 from 8 (a transposition counts as one edit).
pub fn typo_budget(word: &str) -> u8 {
    match word.chars().count() {
        0..4 => 0,
        4..8 => 1,
        _ => 2,
    }
}

fn is_tag(tag: &str) -> bool {
    tag.len() <= MAX_TAG_CHARS
        && tag.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

fn number(raw: Option<&str>, default: usize, min: usize, max: usize) -> Result<usize, String> {
    let Some(raw) = raw.filter(|r| !r.is_empty()) else {
        return Ok(default);
    };
    match raw.parse::<usize>() {
        Ok(value) if (min..=max).contains(&value) => Ok(value),
        _ => Err(format!("a whole number from {min} to {max}")),
    }
}

#[cfg(test)]
mod tests;
