//! Snippets: a stored text with the words that matched the query marked `<b>…</b>` (the rest
//! HTML-escaped), by the same rules the index matches with: a word within its typo budget
//! ([`super::query::typo_budget`], a transposition is one edit), or any word that starts with
//! the query's last word. Long texts are cut to a window around the first match.

use super::query::typo_budget;

/// The query's words as the highlighter matches them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matcher {
    words: Vec<(Vec<char>, u8)>,
    prefix: Option<Vec<char>>,
}

impl Matcher {
    pub fn new(words: &[String]) -> Self {
        Self {
            words: words
                .iter()
                .map(|w| (w.chars().collect(), typo_budget(w)))
                .collect(),
            prefix: words.last().map(|w| w.chars().collect()),
        }
    }

    /// Whether one (lower-cased) word of a text matches the query.
    pub fn matches(&self, token: &str) -> bool {
        let token: Vec<char> = token.chars().collect();
        self.prefix.as_ref().is_some_and(|p| token.starts_with(p))
            || self
                .words
                .iter()
                .any(|(word, budget)| edit_distance(word, &token) <= usize::from(*budget))
    }
}

/// `text` with its matching words marked, at most about `max_chars` long; `None` when no word
/// matched.
pub fn snippet(text: &str, matcher: &Matcher, max_chars: usize) -> Option<String> {
    let tokens = tokens(text);
    let marked: Vec<(usize, usize)> = tokens
        .into_iter()
        .filter(|&(start, end)| matcher.matches(&text[start..end].to_lowercase()))
        .collect();
    let &(first_start, _) = marked.first()?;
    let (from, to) = window(text, first_start, max_chars);
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    let mut at = from;
    for &(start, end) in marked.iter().filter(|&&(s, e)| s >= from && e <= to) {
        escape_into(&mut out, &text[at..start]);
        out.push_str("<b>");
        escape_into(&mut out, &text[start..end]);
        out.push_str("</b>");
        at = end;
    }
    escape_into(&mut out, &text[at..to]);
    if to < text.len() {
        out.push('…');
    }
    Some(out)
}

/// Byte ranges of the alphanumeric runs of `text`.
fn tokens(text: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut start = None;
    for (index, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(index),
            (false, Some(s)) => {
                found.push((s, index));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        found.push((s, text.len()));
    }
    found
}

/// A window of about `max_chars` starting a little before `first` (byte offsets, on char and
/// word boundaries).
fn window(text: &str, first: usize, max_chars: usize) -> (usize, usize) {
    if text.chars().count() <= max_chars {
        return (0, text.len());
    }
    let lead = max_chars / 4;
    let before: Vec<usize> = text[..first].char_indices().map(|(i, _)| i).collect();
    let mut from = before.len().checked_sub(lead).map_or(0, |i| before[i]);
    if from > 0 {
        // Start at the next word.
        from = text[from..first]
            .find(char::is_whitespace)
            .map_or(first, |space| from + space + 1);
    }
    let mut to = text[from..]
        .char_indices()
        .nth(max_chars)
        .map_or(text.len(), |(i, _)| from + i);
    if to < text.len() {
        // End at the previous word's end, unless that leaves nothing after the first match.
        if let Some(space) = text[from..to].rfind(char::is_whitespace)
            && from + space > first
        {
            to = from + space;
        }
    }
    (from, to)
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

/// Optimal string alignment distance (Levenshtein with adjacent transpositions as one edit).
pub fn edit_distance(a: &[char], b: &[char]) -> usize {
    let (n, m) = (a.len(), b.len());
    let mut rows = vec![vec![0_usize; m + 1]; n + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[n][m]
}

#[cfg(test)]
mod tests;
