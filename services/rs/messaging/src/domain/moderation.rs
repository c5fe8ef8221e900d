//! What a `moderation.decided` does to a post. Moderation decides once by its rules (envelope
//! version 1: allow, hold or reject) and a held post once more when a person decides (version
//! 2: allow or reject). The latest version wins: a redelivered or older decision changes
//! nothing, whatever order they arrive in. A post takes its place in the feed the first time it
//! is allowed, and keeps it.

use uuid::Uuid;

use crate::domain::posts::{Post, Status};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Allow,
    Hold,
    Reject,
}

/// One `moderation.decided` about a question or an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The post's id (the event's `subject_id`).
    pub post_id: Uuid,
    pub course_id: Uuid,
    pub outcome: Outcome,
    /// The envelope's version.
    pub version: u32,
}

/// What applying a decision changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The decision is not newer than the one applied: nothing changes.
    Stale,
    /// The post's status becomes `status`; `takes_place`: it is allowed for the first time and
    /// takes the next place in its course's feed (it becomes visible to others now).
    Apply { status: Status, takes_place: bool },
}

pub fn apply(post: &Post, decision: &Decision) -> Change {
    if decision.version <= post.decision_version {
        return Change::Stale;
    }
    let status = match decision.outcome {
        Outcome::Allow => Status::Allowed,
        Outcome::Hold => Status::Held,
        Outcome::Reject => Status::Rejected,
    };
    Change::Apply {
        status,
        takes_place: status == Status::Allowed && post.seq.is_none(),
    }
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use super::*;

    fn post() -> Post {
        Post::new(
            Uuid::from_u128(1),
            Uuid::from_u128(2),
            None,
            Uuid::from_u128(3),
            "Why?".into(),
            SystemTime::UNIX_EPOCH,
        )
    }

    fn decision(outcome: Outcome, version: u32) -> Decision {
        Decision {
            post_id: Uuid::from_u128(1),
            course_id: Uuid::from_u128(2),
            outcome,
            version,
        }
    }

    /// Applies a decision the way the store does.
    fn applied(mut post: Post, decision: &Decision, next_seq: i64) -> Post {
        if let Change::Apply {
            status,
            takes_place,
        } = apply(&post, decision)
        {
            post.status = status;
            post.decision_version = decision.version;
            if takes_place {
                post.seq = Some(next_seq);
            }
        }
        post
    }

    #[test]
    fn an_allowed_post_takes_its_place_and_becomes_visible() {
        let change = apply(&post(), &decision(Outcome::Allow, 1));
        assert_eq!(
            change,
            Change::Apply {
                status: Status::Allowed,
                takes_place: true
            }
        );
    }

    #[test]
    fn a_held_post_stays_hidden_until_a_later_allow() {
        let held = applied(post(), &decision(Outcome::Hold, 1), 1);
        assert_eq!(held.status, Status::Held);
        assert!(!held.is_visible());
        let allowed = applied(held, &decision(Outcome::Allow, 2), 5);
        assert!(allowed.is_visible());
        assert_eq!(allowed.seq, Some(5));
    }

    #[test]
    fn a_rejected_post_never_becomes_visible_by_an_old_or_repeated_decision() {
        let rejected = applied(post(), &decision(Outcome::Reject, 2), 1);
        assert_eq!(
            apply(&rejected, &decision(Outcome::Allow, 1)),
            Change::Stale
        );
        assert_eq!(
            apply(&rejected, &decision(Outcome::Allow, 2)),
            Change::Stale
        );
        assert!(!rejected.is_visible());
    }

    #[test]
    fn redelivery_and_reordering_end_in_the_latest_decision() {
        let orders = [
            [(Outcome::Hold, 1), (Outcome::Allow, 2), (Outcome::Hold, 1)],
            [(Outcome::Allow, 2), (Outcome::Hold, 1), (Outcome::Allow, 2)],
        ];
        for order in orders {
            let mut current = post();
            for (outcome, version) in order {
                current = applied(current, &decision(outcome, version), 1);
            }
            assert_eq!(current.status, Status::Allowed, "{order:?}");
            assert_eq!(current.seq, Some(1));
        }
    }

    #[test]
    fn a_post_allowed_again_keeps_its_first_place() {
        let allowed = applied(post(), &decision(Outcome::Allow, 1), 3);
        let again = applied(allowed, &decision(Outcome::Allow, 2), 9);
        assert_eq!(again.seq, Some(3));
    }
}
