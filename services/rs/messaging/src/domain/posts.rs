//! Questions and answers, and who sees them.
//!
//! A post is stored `pending` and announced to moderation. Others see it only once a
//! `moderation.decided` allowed it: it then takes the next place (`seq`) in its course's feed.
//! Held stays hidden from others until a later decision allows it; rejected is never shown to
//! others. Its author always sees it: as `pending` while undecided or held, as `rejected`
//! after a rejection, as `visible` once allowed.

use std::time::SystemTime;

use uuid::Uuid;

/// The longest text a post may have (the proto's `body`: at most 10,000 characters).
pub const MAX_BODY_CHARS: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Question,
    Answer,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Question => "question",
            Self::Answer => "answer",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "question" => Some(Self::Question),
            "answer" => Some(Self::Answer),
            _ => None,
        }
    }
}

/// Where moderation left a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// No decision yet.
    Pending,
    /// Doubtful: hidden from others until a person allows it.
    Held,
    Allowed,
    /// Never shown to others.
    Rejected,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Held => "held",
            Self::Allowed => "allowed",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pending" => Some(Self::Pending),
            "held" => Some(Self::Held),
            "allowed" => Some(Self::Allowed),
            "rejected" => Some(Self::Rejected),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    pub id: Uuid,
    pub course_id: Uuid,
    pub kind: Kind,
    /// The question an answer answers; `None` for a question.
    pub question_id: Option<Uuid>,
    pub author_id: Uuid,
    pub body: String,
    pub status: Status,
    /// The version of the latest `moderation.decided` applied (0: none yet).
    pub decision_version: u32,
    /// Its place in the course's feed, given when it was first allowed.
    pub seq: Option<i64>,
    pub created_at: SystemTime,
}

/// What a viewer is shown of a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// Allowed: everyone taking part in the course sees it.
    Visible,
    /// Its author's own post, undecided or held.
    Pending,
    /// Its author's own post, rejected.
    Rejected,
}

impl Shown {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Visible => "visible",
            Self::Pending => "pending",
            Self::Rejected => "rejected",
        }
    }
}

impl Post {
    /// A new post, pending, by `author_id`.
    pub fn new(
        id: Uuid,
        course_id: Uuid,
        question_id: Option<Uuid>,
        author_id: Uuid,
        body: String,
        created_at: SystemTime,
    ) -> Self {
        Self {
            id,
            course_id,
            kind: if question_id.is_some() {
                Kind::Answer
            } else {
                Kind::Question
            },
            question_id,
            author_id,
            body,
            status: Status::Pending,
            decision_version: 0,
            seq: None,
            created_at,
        }
    }

    /// Whether everyone taking part sees it.
    pub fn is_visible(&self) -> bool {
        self.status == Status::Allowed && self.seq.is_some()
    }

    /// What `viewer` sees of it, or `None`: hidden from them.
    pub fn shown_to(&self, viewer: Uuid) -> Option<Shown> {
        if self.is_visible() {
            Some(Shown::Visible)
        } else if viewer == self.author_id {
            Some(match self.status {
                Status::Rejected => Shown::Rejected,
                Status::Pending | Status::Held | Status::Allowed => Shown::Pending,
            })
        } else {
            None
        }
    }
}

/// Why a post's text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    #[error("write something: the text is empty")]
    Empty,
    #[error("at most {MAX_BODY_CHARS} characters (this has {0})")]
    TooLong(usize),
    #[error("the text contains a NUL character")]
    Nul,
}

/// The text as stored: surrounding whitespace trimmed, 1 to 10,000 characters, no NUL.
pub fn body(text: &str) -> Result<String, BodyError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(BodyError::Empty);
    }
    if trimmed.contains('\0') {
        return Err(BodyError::Nul);
    }
    let chars = trimmed.chars().count();
    if chars > MAX_BODY_CHARS {
        return Err(BodyError::TooLong(chars));
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const AUTHOR: Uuid = Uuid::from_u128(1);
    const READER: Uuid = Uuid::from_u128(2);

    fn post(status: Status, seq: Option<i64>) -> Post {
        let mut post = Post::new(
            Uuid::from_u128(9),
            Uuid::from_u128(7),
            None,
            AUTHOR,
            "Why?".into(),
            SystemTime::UNIX_EPOCH,
        );
        post.status = status;
        post.seq = seq;
        post
    }

    #[test]
    fn others_see_a_post_only_once_it_is_allowed() {
        assert_eq!(post(Status::Pending, None).shown_to(READER), None);
        assert_eq!(post(Status::Held, None).shown_to(READER), None);
        assert_eq!(post(Status::Rejected, None).shown_to(READER), None);
        assert_eq!(
            post(Status::Allowed, Some(3)).shown_to(READER),
            Some(Shown::Visible)
        );
    }

    #[test]
    fn the_author_sees_their_own_post_as_pending_until_decided_and_held_too() {
        assert_eq!(
            post(Status::Pending, None).shown_to(AUTHOR),
            Some(Shown::Pending)
        );
        assert_eq!(
            post(Status::Held, None).shown_to(AUTHOR),
            Some(Shown::Pending)
        );
        assert_eq!(
            post(Status::Rejected, None).shown_to(AUTHOR),
            Some(Shown::Rejected)
        );
        assert_eq!(
            post(Status::Allowed, Some(1)).shown_to(AUTHOR),
            Some(Shown::Visible)
        );
    }

    #[test]
    fn a_post_rejected_after_it_was_allowed_is_hidden_again_though_it_keeps_its_place() {
        let retracted = post(Status::Rejected, Some(4));
        assert_eq!(retracted.shown_to(READER), None);
        assert_eq!(retracted.shown_to(AUTHOR), Some(Shown::Rejected));
    }

    #[test]
    fn a_body_is_trimmed_and_between_one_and_ten_thousand_characters() {
        assert_eq!(body("  Why does it fail?\n").unwrap(), "Why does it fail?");
        assert_eq!(body(" \n\t "), Err(BodyError::Empty));
        assert_eq!(body("a\0b"), Err(BodyError::Nul));
        let limit = "é".repeat(MAX_BODY_CHARS);
        assert_eq!(body(&limit).unwrap().chars().count(), MAX_BODY_CHARS);
        assert_eq!(
            body(&format!("{limit}e")),
            Err(BodyError::TooLong(MAX_BODY_CHARS + 1))
        );
    }

    #[test]
    fn an_answer_is_a_post_with_its_question() {
        let answer = Post::new(
            Uuid::from_u128(3),
            Uuid::from_u128(7),
            Some(Uuid::from_u128(9)),
            AUTHOR,
            "Because.".into(),
            SystemTime::UNIX_EPOCH,
        );
        assert_eq!(answer.kind, Kind::Answer);
        assert_eq!(answer.status, Status::Pending);
        assert_eq!(Kind::parse(answer.kind.as_str()), Some(Kind::Answer));
        assert_eq!(Status::parse("held"), Some(Status::Held));
        assert_eq!(Status::parse("visible"), None);
    }
}
