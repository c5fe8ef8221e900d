use super::*;

fn parse(raw: &RawSearch<'_>) -> SearchRequest {
    SearchRequest::parse(raw).unwrap()
}

fn problems(raw: &RawSearch<'_>) -> Vec<&'static str> {
    SearchRequest::parse(raw)
        .unwrap_err()
        .into_iter()
        .map(|p| p.parameter)
        .collect()
}

#[test]
fn no_parameters_browse_the_first_page() {
    let request = parse(&RawSearch::default());
    assert!(request.words.is_empty());
    assert_eq!((request.limit, request.offset), (DEFAULT_LIMIT, 0));
    assert_eq!((request.level, request.tag), (None, None));
}

#[test]
fn words_are_lower_cased_and_split_on_punctuation() {
    let request = parse(&RawSearch {
        q: Some("  Python, for DATA-science! "),
        ..RawSearch::default()
    });
    assert_eq!(request.words, ["python", "for", "data", "science"]);
}

#[test]
fn empty_values_count_as_absent() {
    let request = parse(&RawSearch {
        q: Some(""),
        level: Some(""),
        tag: Some(""),
        limit: Some(""),
        offset: Some(""),
    });
    assert_eq!(request.limit, DEFAULT_LIMIT);
    assert_eq!(request.level, None);
}

#[test]
fn filters_and_paging_are_read() {
    let request = parse(&RawSearch {
        level: Some("advanced"),
        tag: Some("machine-learning"),
        limit: Some("5"),
        offset: Some("10"),
        ..RawSearch::default()
    });
    assert_eq!(request.level.as_deref(), Some("advanced"));
    assert_eq!(request.tag.as_deref(), Some("machine-learning"));
    assert_eq!((request.limit, request.offset), (5, 10));
}

#[test]
fn every_bad_parameter_is_named() {
    let named = problems(&RawSearch {
        q: Some(&"x".repeat(MAX_QUERY_CHARS + 1)),
        level: Some("expert"),
        tag: Some("Not A Tag"),
        limit: Some("0"),
        offset: Some("-1"),
    });
    assert_eq!(named, ["q", "level", "tag", "limit", "offset"]);
}

#[test]
fn limits_above_the_maximum_and_non_numbers_are_refused() {
    assert_eq!(
        problems(&RawSearch {
            limit: Some("101"),
            ..RawSearch::default()
        }),
        ["limit"]
    );
    assert_eq!(
        problems(&RawSearch {
            limit: Some("1e3"),
            ..RawSearch::default()
        }),
        ["limit"]
    );
    assert_eq!(
        problems(&RawSearch {
            offset: Some("10001"),
            ..RawSearch::default()
        }),
        ["offset"]
    );
}

#[test]
fn a_nul_character_or_too_many_words_are_refused() {
    assert_eq!(
        problems(&RawSearch {
            q: Some("a\0b"),
            ..RawSearch::default()
        }),
        ["q"]
    );
    let many = "w ".repeat(MAX_WORDS + 1);
    assert_eq!(
        problems(&RawSearch {
            q: Some(&many),
            ..RawSearch::default()
        }),
        ["q"]
    );
}

#[test]
fn tags_with_empty_parts_are_refused() {
    for bad in ["-a", "a-", "a--b", "a_b", &"a".repeat(33)] {
        assert_eq!(
            problems(&RawSearch {
                tag: Some(bad),
                ..RawSearch::default()
            }),
            ["tag"],
            "{bad}"
        );
    }
}

#[test]
fn the_typo_budget_grows_with_the_word() {
    assert_eq!(typo_budget("sql"), 0);
    assert_eq!(typo_budget("java"), 1);
    assert_eq!(typo_budget("pyhton"), 1);
    assert_eq!(typo_budget("databases"), 2);
    assert_eq!(typo_budget("kubernetes"), 2);
}
