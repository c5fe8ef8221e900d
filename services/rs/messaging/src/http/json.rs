//! The JSON bodies of the HTTP API and the WebSocket's messages.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::adapters::events::rfc3339;
use crate::domain::posts::{Post, Shown};

/// A question or an answer to post.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostBody {
    /// The text: 1 to 10,000 characters once surrounding whitespace is trimmed.
    #[schema(
        example = "Why does the loop in lesson 3 never end?",
        min_length = 1,
        max_length = 10000
    )]
    pub body: String,
}

/// A question or an answer as the caller sees it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PostJson {
    #[schema(format = "uuid")]
    pub id: String,
    /// Its place in the course's feed (the history's and the WebSocket's cursor); null while
    /// others do not see it.
    #[schema(example = 42)]
    pub seq: Option<i64>,
    #[schema(format = "uuid")]
    pub course_id: String,
    /// `question` or `answer`.
    #[schema(example = "question")]
    pub kind: String,
    /// The question an answer answers; null for a question.
    #[schema(format = "uuid", example = json!(null))]
    pub question_id: Option<String>,
    /// Who wrote it (identity's user id).
    #[schema(format = "uuid")]
    pub author_id: String,
    pub body: String,
    /// `visible` (everyone taking part sees it), or for the author's own post only: `pending`
    /// (awaiting moderation, or held for a person to decide) or `rejected`.
    #[schema(example = "visible")]
    pub status: String,
    /// When it was posted (RFC 3339, UTC).
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl PostJson {
    pub fn of(post: &Post, shown: Shown) -> Self {
        Self {
            id: post.id.to_string(),
            seq: if shown == Shown::Visible {
                post.seq
            } else {
                None
            },
            course_id: post.course_id.to_string(),
            kind: post.kind.as_str().to_owned(),
            question_id: post.question_id.map(|q| q.to_string()),
            author_id: post.author_id.to_string(),
            body: post.body.clone(),
            status: shown.as_str().to_owned(),
            created_at: rfc3339(post.created_at),
        }
    }
}

/// A page of a course's Q&A.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct HistoryJson {
    /// Visible posts of the page, ascending by `seq`.
    pub posts: Vec<PostJson>,
    /// Whether more visible posts lie beyond this page in the direction asked (after the last
    /// with `after`, before the first with `before` or with neither).
    pub more: bool,
    /// The caller's own posts that others do not see (pending or rejected), oldest first, at
    /// most 50.
    pub unpublished: Vec<PostJson>,
}

/// What the server sends on the WebSocket (text frames, JSON).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// First message: the subscription is in place; posts after `after` follow.
    Welcome {
        #[schema(format = "uuid")]
        course_id: String,
        /// The place the delivery resumes after (the `after` asked, 0 by default).
        after: i64,
        /// Posts sent and not acknowledged at most: ack to receive more.
        window: u32,
        /// When the access token expires (RFC 3339): send an `auth` message with a fresh one
        /// before then, or the connection is closed with 4001.
        expires_at: String,
    },
    /// A visible post, in feed order, each place once.
    Post { post: PostJson },
    /// A fresh token was accepted; the connection now lasts until `expires_at`.
    Reauthenticated { expires_at: String },
}

/// What a client sends on the WebSocket (text frames, JSON).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMessage {
    /// "I have every post up to `seq`": opens the window for more.
    Ack { seq: i64 },
    /// A fresh access token of the same user, before the current one expires.
    Auth { token: String },
}
