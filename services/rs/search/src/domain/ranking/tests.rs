use super::*;

const DAY: i64 = 86_400;

fn signals(text: f64, enrolments: u64, completions: u64, age_days: i64) -> Signals {
    Signals {
        text,
        enrolments,
        completions,
        age_seconds: age_days * DAY,
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn the_best_text_match_scores_the_full_text_weight() {
    let weights = RankingWeights::default();
    let parts = blend(&weights, &signals(8.0, 0, 0, 0), 8.0);
    assert!(close(parts.text, weights.text));
    assert!(close(parts.popularity, 0.0));
    assert!(close(parts.freshness, weights.freshness), "published today");
}

#[test]
fn text_is_relative_to_the_best_candidate() {
    let weights = RankingWeights::default();
    let parts = blend(&weights, &signals(2.0, 0, 0, 0), 8.0);
    assert!(close(parts.text, 0.25 * weights.text));
}

#[test]
fn browsing_without_words_has_no_text_part() {
    let parts = blend(&RankingWeights::default(), &signals(0.0, 10, 0, 0), 0.0);
    assert!(close(parts.text, 0.0));
    assert!(parts.popularity > 0.0);
}

#[test]
fn popularity_is_half_at_the_configured_half_and_completions_count_double() {
    let weights = RankingWeights {
        popularity: 1.0,
        popularity_half: 50.0,
        completion_factor: 2.0,
        ..RankingWeights::default()
    };
    assert!(close(
        blend(&weights, &signals(0.0, 50, 0, 0), 0.0).popularity,
        0.5
    ));
    assert!(close(
        blend(&weights, &signals(0.0, 0, 25, 0), 0.0).popularity,
        0.5
    ));
}

#[test]
fn freshness_halves_every_half_life_and_ignores_clock_skew() {
    let weights = RankingWeights {
        freshness: 1.0,
        freshness_half_life_days: 30.0,
        ..RankingWeights::default()
    };
    assert!(close(
        blend(&weights, &signals(0.0, 0, 0, 30), 0.0).freshness,
        0.5
    ));
    assert!(close(
        blend(&weights, &signals(0.0, 0, 0, 60), 0.0).freshness,
        0.25
    ));
    assert!(close(
        blend(&weights, &signals(0.0, 0, 0, -5), 0.0).freshness,
        1.0
    ));
}

#[test]
fn a_popular_course_overtakes_an_equal_match_but_not_a_much_better_one() {
    let weights = RankingWeights::default();
    let quiet_exact = blend(&weights, &signals(10.0, 0, 0, 400), 10.0);
    let popular_equal = blend(&weights, &signals(10.0, 500, 100, 400), 10.0);
    let popular_weak = blend(&weights, &signals(3.0, 500, 100, 400), 10.0);
    assert!(popular_equal.total() > quiet_exact.total());
    assert!(quiet_exact.total() > popular_weak.total());
}

#[test]
fn zero_weights_switch_a_part_off() {
    let weights = RankingWeights {
        popularity: 0.0,
        freshness: 0.0,
        ..RankingWeights::default()
    };
    let parts = blend(&weights, &signals(5.0, 1_000, 1_000, 0), 10.0);
    assert!(close(parts.total(), 0.5));
}

#[test]
fn rank_orders_best_first_and_breaks_ties_by_id() {
    let weights = RankingWeights::default();
    let low = blend(&weights, &signals(1.0, 0, 0, 0), 10.0);
    let high = blend(&weights, &signals(10.0, 0, 0, 0), 10.0);
    let ranked = rank(vec![
        (low, "b".to_owned(), ()),
        (high, "z".to_owned(), ()),
        (low, "a".to_owned(), ()),
    ]);
    let ids: Vec<&str> = ranked.iter().map(|r| r.1.as_str()).collect();
    assert_eq!(ids, ["z", "a", "b"]);
}
