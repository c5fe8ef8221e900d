use super::*;

fn matcher(q: &str) -> Matcher {
    Matcher::new(&crate::domain::query::words(q))
}

fn chars(s: &str) -> Vec<char> {
    s.chars().collect()
}

#[test]
fn a_transposition_is_one_edit() {
    assert_eq!(edit_distance(&chars("pyhton"), &chars("python")), 1);
    assert_eq!(edit_distance(&chars("kitten"), &chars("sitting")), 3);
    assert_eq!(edit_distance(&chars(""), &chars("abc")), 3);
}

#[test]
fn a_typo_within_the_budget_is_marked() {
    assert_eq!(
        snippet("Intro to Python", &matcher("pyhton"), 100).as_deref(),
        Some("Intro to <b>Python</b>")
    );
}

#[test]
fn short_words_must_match_exactly() {
    assert!(matcher("sql").matches("sql"));
    assert!(!matcher("sql x").matches("sq1"));
}

#[test]
fn the_last_word_matches_as_a_prefix() {
    assert_eq!(
        snippet("Data engineering basics", &matcher("data eng"), 100).as_deref(),
        Some("<b>Data</b> <b>engineering</b> basics")
    );
    assert!(
        !matcher("eng data").matches("engineering"),
        "only the last word is a prefix"
    );
}

#[test]
fn nothing_matched_gives_no_snippet() {
    assert_eq!(
        snippet("Cooking for beginners", &matcher("rust"), 100),
        None
    );
    assert_eq!(snippet("anything", &matcher(""), 100), None);
}

#[test]
fn markup_in_the_text_is_escaped() {
    assert_eq!(
        snippet("<script> & Rust", &matcher("rust"), 100).as_deref(),
        Some("&lt;script&gt; &amp; <b>Rust</b>")
    );
}

#[test]
fn a_long_text_is_cut_around_the_first_match() {
    let text = format!(
        "{} Kubernetes {}",
        "lorem ipsum ".repeat(30),
        "dolor sit ".repeat(30)
    );
    let cut = snippet(&text, &matcher("kubernetes"), 60).unwrap();
    assert!(cut.starts_with('…') && cut.ends_with('…'), "{cut}");
    assert!(cut.contains("<b>Kubernetes</b>"), "{cut}");
    assert!(cut.chars().count() < 90, "{cut}");
}
