//! Ranking: text relevance blended with popularity and freshness, each part in 0..=1 and
//! weighted by configuration (`EDU_SEARCH_WEIGHT_*`). A pure function of the course's own
//! signals and the best text score of the candidates, so it is tested without an index.
//!
//! - text: the engine's score divided by the best candidate's (1 for the best match; when
//!   browsing without words every course has text 0 and popularity/freshness decide),
//! - popularity: `p / (p + half)` with `p = enrolments + completion_factor * completions`
//!   (0 without any, 0.5 at `half`, towards 1 beyond: a few hundred enrolments cannot bury
//!   relevance),
//! - freshness: `0.5 ^ (age / half_life)` from the first publication.

/// The blend's configuration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RankingWeights {
    pub text: f64,
    pub popularity: f64,
    pub freshness: f64,
    /// A completion counts as this many enrolments.
    pub completion_factor: f64,
    /// The popularity that scores 0.5.
    pub popularity_half: f64,
    /// The age, in days, at which freshness is 0.5.
    pub freshness_half_life_days: f64,
}

impl Default for RankingWeights {
    fn default() -> Self {
        Self {
            text: 1.0,
            popularity: 0.3,
            freshness: 0.1,
            completion_factor: 2.0,
            popularity_half: 50.0,
            freshness_half_life_days: 180.0,
        }
    }
}

/// What one candidate brings to the blend.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Signals {
    /// The engine's relevance score (0 when browsing).
    pub text: f64,
    pub enrolments: u64,
    pub completions: u64,
    /// Seconds since the first publication (negative: clock skew, counts as 0).
    pub age_seconds: i64,
}

/// The weighted parts of a score and their sum; the response shows them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreParts {
    /// The weighted text relevance.
    pub text: f64,
    /// The weighted popularity (enrolments and completions).
    pub popularity: f64,
    /// The weighted freshness (time since the first publication).
    pub freshness: f64,
}

impl ScoreParts {
    pub fn total(&self) -> f64 {
        self.text + self.popularity + self.freshness
    }
}

const SECONDS_PER_DAY: f64 = 86_400.0;

/// Blends one candidate's signals; `best_text` is the highest text score among the candidates.
#[allow(clippy::cast_precision_loss, reason = "counts and ages far below 2^52")]
pub fn blend(weights: &RankingWeights, signals: &Signals, best_text: f64) -> ScoreParts {
    let text = if best_text > 0.0 {
        (signals.text / best_text).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let popular =
        signals.enrolments as f64 + weights.completion_factor * signals.completions as f64;
    let popularity = if popular > 0.0 {
        popular / (popular + weights.popularity_half.max(f64::MIN_POSITIVE))
    } else {
        0.0
    };
    let age_days = signals.age_seconds.max(0) as f64 / SECONDS_PER_DAY;
    let freshness =
        0.5_f64.powf(age_days / weights.freshness_half_life_days.max(f64::MIN_POSITIVE));
    ScoreParts {
        text: weights.text * text,
        popularity: weights.popularity * popularity,
        freshness: weights.freshness * freshness,
    }
}

/// Orders scored candidates best first; equal scores keep a stable order by id.
pub fn rank<T>(mut scored: Vec<(ScoreParts, String, T)>) -> Vec<(ScoreParts, String, T)> {
    scored.sort_by(|a, b| {
        b.0.total()
            .total_cmp(&a.0.total())
            .then_with(|| a.1.cmp(&b.1))
    });
    scored
}

#[cfg(test)]
mod tests;
