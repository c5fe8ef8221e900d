//! `GET /ws?course_id=&after=`: a course's visible posts, live.
//!
//! The handshake is authenticated like HTTP (`access_token` query parameter, or the
//! `Sec-WebSocket-Protocol` entries `edu.qa.v1, access_token.<token>`, or the bearer header)
//! and only the course's enrolled students and its teacher get through (401/403 before the
//! upgrade). The connection then subscribes to the course's live posts *before* reading the
//! database from `after` (the last place the client saw), so nothing falls between the replay
//! and the live stream; what to send comes from `domain::session` (feed order, each place
//! once, gaps filled from the database, at most `window` unacknowledged, a bounded buffer).
//!
//! Close codes: 4001 the access token expired (or a fresh one was refused), 4008 the client is
//! too slow (its buffer overflowed, or a write was not taken in time), 4010 no pong to the
//! last pings, 4400 a message that is not JSON of the protocol, 1001 the server is stopping,
//! 1011 the database failed. A client reconnects with `after` = the last `seq` it kept.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::extract::rejection::QueryRejection;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use edu_common::problem::{ApiError, FieldProblem, Problem};
use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use uuid::Uuid;

use super::auth::{self, Caller, PROTOCOL, socket_token};
use super::json::{ClientMessage, PostJson, ServerMessage};
use super::{MessagingApi, invalid, place, qa_failed, single};
use crate::adapters::events::rfc3339;
use crate::app::fanout::Live;
use crate::domain::posts::Shown;
use crate::domain::session::{Next, Session};

pub const TOKEN_EXPIRED: u16 = 4001;
pub const TOO_SLOW: u16 = 4008;
pub const NO_PONG: u16 = 4010;
pub const BAD_MESSAGE: u16 = 4400;
pub const GOING_AWAY: u16 = 1001;
pub const INTERNAL: u16 = 1011;

/// Why a connection ended: the close frame to send, if the client is still there.
type Close = Option<(u16, &'static str)>;

pub(super) async fn upgrade(
    State(api): State<Arc<MessagingApi>>,
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let Ok(Query(pairs)) = query else {
        return invalid(vec![FieldProblem::new(
            "query",
            "the query string is not valid URL encoding",
        )]);
    };
    let mut errors = Vec::new();
    let course = single(&pairs, "course_id", &mut errors);
    let after = single(&pairs, "after", &mut errors);
    let token = single(&pairs, "access_token", &mut errors);
    let after = place(after, "after", &mut errors).unwrap_or(0);
    let course = match course.map(Uuid::parse_str) {
        Some(Ok(course)) => Some(course),
        Some(Err(_)) => {
            errors.push(FieldProblem::new("course_id", "not a UUID"));
            None
        }
        None => {
            errors.push(FieldProblem::new("course_id", "required"));
            None
        }
    };
    let Some(token) = socket_token(token, &headers) else {
        return ApiError::Unauthenticated(
            "Send the access token as the access_token parameter or the \
             `access_token.<token>` WebSocket protocol."
                .into(),
        )
        .into_response();
    };
    let caller = match auth::verify(&api.keys, token).await {
        Ok(caller) => caller,
        Err(error) => return error.into_response(),
    };
    let Some(course) = course.filter(|_| errors.is_empty()) else {
        return invalid(errors);
    };
    if let Err(error) = api.qa.role(caller.user_id, course).await {
        return qa_failed(error).into_response();
    }
    let upgrade = match upgrade {
        Ok(upgrade) => upgrade,
        Err(rejection) => {
            return Problem::new(
                StatusCode::UPGRADE_REQUIRED,
                format!(
                    "This is a WebSocket endpoint: {}.",
                    rejection.body_text().trim_end_matches('.')
                ),
            )
            .with_header(header::UPGRADE, "websocket")
            .into_response();
        }
    };
    let offers_protocol = headers
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|p| p.trim() == PROTOCOL);
    let upgrade = if offers_protocol {
        upgrade.protocols([PROTOCOL])
    } else {
        upgrade
    };
    let connection = Connection {
        api,
        course,
        caller,
        after,
    };
    upgrade
        .max_message_size(64 * 1024)
        .on_upgrade(move |socket| connection.run(socket))
}

struct Connection {
    api: Arc<MessagingApi>,
    course: Uuid,
    caller: Caller,
    after: i64,
}

type Sink = SplitSink<WebSocket, Message>;

fn text(message: &ServerMessage) -> Message {
    Message::Text(Utf8Bytes::from(
        serde_json::to_string(message).unwrap_or_default(),
    ))
}

fn until(at: SystemTime) -> tokio::time::Instant {
    let left = at
        .duration_since(SystemTime::now())
        .unwrap_or(Duration::ZERO);
    tokio::time::Instant::now() + left
}

impl Connection {
    async fn send(&self, sink: &mut Sink, message: Message) -> Result<(), Close> {
        match tokio::time::timeout(self.api.socket.send_timeout, sink.send(message)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(None), // the client is gone
            Err(_) => Err(Some((TOO_SLOW, "too slow: a write was not taken in time"))),
        }
    }

    /// Sends what the session says until it waits.
    async fn deliver(
        &self,
        session: &mut Session<Arc<crate::domain::posts::Post>>,
        sink: &mut Sink,
    ) -> Result<(), Close> {
        loop {
            match session.step() {
                Next::Wait => return Ok(()),
                Next::Send(post) => self.send_post(sink, &post).await?,
                Next::Fetch { after, limit } => {
                    let posts = match self.api.qa.feed_after(self.course, after, limit).await {
                        Ok(posts) => posts,
                        Err(error) => {
                            tracing::warn!(%error, "a WebSocket could not read the feed");
                            return Err(Some((INTERNAL, "the feed cannot be read now")));
                        }
                    };
                    let posts = posts.into_iter().map(Arc::new).collect();
                    for post in session.fetched(posts, limit) {
                        self.send_post(sink, &post).await?;
                    }
                }
            }
        }
    }

    async fn send_post(
        &self,
        sink: &mut Sink,
        post: &crate::domain::posts::Post,
    ) -> Result<(), Close> {
        let message = ServerMessage::Post {
            post: PostJson::of(post, Shown::Visible),
        };
        self.send(sink, text(&message)).await
    }

    /// A fresh token: the same user, still taking part; the new expiry.
    async fn reauthenticate(&self, token: &str) -> Result<Caller, Close> {
        let refused = Some((TOKEN_EXPIRED, "the fresh access token was refused"));
        let caller = auth::verify(&self.api.keys, token)
            .await
            .map_err(|_| refused)?;
        if caller.user_id != self.caller.user_id {
            return Err(refused);
        }
        self.api
            .qa
            .role(caller.user_id, self.course)
            .await
            .map_err(|_| refused)?;
        Ok(caller)
    }

    async fn run(mut self, socket: WebSocket) {
        let (mut sink, mut stream) = socket.split();
        // Subscribed before the database is read: nothing falls in between.
        let mut subscription = self.api.hub.subscribe(self.course);
        let settings = self.api.socket;
        let mut session = Session::resume(self.after, settings.limits);
        let welcome = ServerMessage::Welcome {
            course_id: self.course.to_string(),
            after: session.last_sent(),
            window: settings.limits.window,
            expires_at: rfc3339(self.caller.expires_at),
        };
        let mut pings = tokio::time::interval_at(
            tokio::time::Instant::now() + settings.ping_every,
            settings.ping_every,
        );
        let mut unanswered = 0_u32;
        let expiry = tokio::time::sleep_until(until(self.caller.expires_at));
        tokio::pin!(expiry);
        let stopping = self.api.stopping.clone();
        let close: Close = 'connection: {
            if let Err(close) = self.send(&mut sink, text(&welcome)).await {
                break 'connection close;
            }
            loop {
                if let Err(close) = self.deliver(&mut session, &mut sink).await {
                    break 'connection close;
                }
                tokio::select! {
                    live = subscription.receiver.recv() => match live {
                        Some(Live::Post(post)) => {
                            if session.live(post).is_err() {
                                break 'connection Some((TOO_SLOW, "too slow: the buffer overflowed"));
                            }
                        }
                        Some(Live::Head(head)) => session.head(head),
                        None => break 'connection Some((TOO_SLOW, "too slow: the live queue overflowed")),
                    },
                    frame = stream.next() => match frame {
                        None | Some(Err(_) | Ok(Message::Close(_))) => break 'connection None,
                        Some(Ok(Message::Pong(_))) => unanswered = 0,
                        Some(Ok(Message::Ping(_))) => {}
                        Some(Ok(Message::Binary(_))) => {
                            break 'connection Some((BAD_MESSAGE, "send JSON text frames"));
                        }
                        Some(Ok(Message::Text(body))) => match serde_json::from_str(body.as_str()) {
                            Ok(ClientMessage::Ack { seq }) => session.ack(seq),
                            Ok(ClientMessage::Auth { token }) => match self.reauthenticate(&token).await {
                                Ok(caller) => {
                                    expiry.as_mut().reset(until(caller.expires_at));
                                    let answer = ServerMessage::Reauthenticated {
                                        expires_at: rfc3339(caller.expires_at),
                                    };
                                    self.caller = caller;
                                    if let Err(close) = self.send(&mut sink, text(&answer)).await {
                                        break 'connection close;
                                    }
                                }
                                Err(close) => break 'connection close,
                            },
                            Err(_) => break 'connection Some((BAD_MESSAGE, "not a message of edu.qa.v1")),
                        },
                    },
                    _ = pings.tick() => {
                        if unanswered >= settings.missed_pongs {
                            break 'connection Some((NO_PONG, "no pong to the last pings"));
                        }
                        unanswered += 1;
                        if let Err(close) = self.send(&mut sink, Message::Ping(Vec::new().into())).await {
                            break 'connection close;
                        }
                    }
                    () = &mut expiry => break 'connection Some((TOKEN_EXPIRED, "the access token expired")),
                    () = stopping.wait() => break 'connection Some((GOING_AWAY, "the server is stopping")),
                }
            }
        };
        drop(subscription);
        if let Some((code, reason)) = close {
            tracing::debug!(code, reason, course = %self.course, "closing a WebSocket");
            let frame = CloseFrame {
                code,
                reason: Utf8Bytes::from_static(reason),
            };
            let _ = tokio::time::timeout(
                Duration::from_secs(1),
                sink.send(Message::Close(Some(frame))),
            )
            .await;
        }
    }
}
