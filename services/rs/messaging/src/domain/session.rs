//! One WebSocket connection's delivery of a course's feed: what to send next, from the live
//! stream or from the database, so that the client gets every visible post once, in feed
//! order, from the place it asked to resume after.
//!
//! * **Resume, no gaps.** A connection starts `behind` at the client's last seen place and
//!   reads the database until it has caught up; a live post that does not follow the last one
//!   sent (one was lost on the way, or arrived out of order from another instance) makes it read
//!   the database again from the last one sent. A feed's places are given without gaps and
//!   committed in their order (migrations/messaging), so "after n" read from the database is
//!   never missing one that a live post already showed.
//! * **No duplicates.** Nothing at or before the last place sent is sent again.
//! * **Acks as a window.** At most `window` places may be sent and not yet acknowledged; then
//!   sending waits for the client's `ack` (cumulative: "I have everything up to n").
//! * **Bounded buffer.** Live posts wait in a buffer of at most `buffer` posts while sending
//!   waits; one more and the connection is [`Overflow`]: the client is too slow, closed with
//!   4008, and resumes from its last ack when it reconnects.
//!
//! Pure: the connection (`http::ws`) performs what [`Session::step`] says and reports back.

use std::collections::BTreeMap;

/// Anything with a place in a course's feed.
pub trait Placed {
    fn seq(&self) -> i64;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Places sent and not acknowledged at most.
    pub window: u32,
    /// Live posts kept waiting at most.
    pub buffer: usize,
}

/// What the connection does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next<T> {
    /// Send this post.
    Send(T),
    /// Read at most `limit` visible posts after place `after` from the database, ascending,
    /// and hand them to [`Session::fetched`].
    Fetch { after: i64, limit: u32 },
    /// Nothing to do until a live post, an ack or a head arrives.
    Wait,
}

/// The client does not keep up: more live posts wait than the buffer holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("more than {0} posts are waiting for this client")]
pub struct Overflow(pub usize);

#[derive(Debug, Clone)]
pub struct Session<T> {
    limits: Limits,
    last_sent: i64,
    acked: i64,
    /// The database may hold posts after `last_sent` that the buffer does not.
    behind: bool,
    buffer: BTreeMap<i64, T>,
}

impl<T: Placed + Clone> Session<T> {
    /// A connection resuming after place `after` (0: from the start).
    pub fn resume(after: i64, limits: Limits) -> Self {
        let after = after.max(0);
        Self {
            limits,
            last_sent: after,
            acked: after,
            behind: true,
            buffer: BTreeMap::new(),
        }
    }

    pub fn last_sent(&self) -> i64 {
        self.last_sent
    }

    pub fn acked(&self) -> i64 {
        self.acked
    }

    /// Places sent and not acknowledged.
    fn in_flight(&self) -> u32 {
        u32::try_from(self.last_sent - self.acked).unwrap_or(u32::MAX)
    }

    /// A post from the live stream.
    pub fn live(&mut self, post: T) -> Result<(), Overflow> {
        let seq = post.seq();
        if seq <= self.last_sent {
            return Ok(()); // sent already (from the database, or a duplicate)
        }
        self.buffer.insert(seq, post);
        if self.buffer.len() > self.limits.buffer {
            return Err(Overflow(self.limits.buffer));
        }
        Ok(())
    }

    /// The course's feed reaches `head` (the periodic check of the database): a post lost on
    /// the way is read from the database.
    pub fn head(&mut self, head: i64) {
        if head > self.last_sent && !self.buffer.contains_key(&head) {
            self.behind = true;
        }
    }

    /// The client has everything up to `seq`; an ack beyond what was sent counts as up to it.
    pub fn ack(&mut self, seq: i64) {
        self.acked = self.acked.max(seq.min(self.last_sent));
    }

    pub fn step(&mut self) -> Next<T> {
        let free = self.limits.window.saturating_sub(self.in_flight());
        if free == 0 {
            return Next::Wait;
        }
        if let Some(entry) = self.buffer.first_entry()
            && *entry.key() == self.last_sent + 1
        {
            let post = entry.remove();
            self.last_sent = post.seq();
            return Next::Send(post);
        }
        if self.behind || !self.buffer.is_empty() {
            return Next::Fetch {
                after: self.last_sent,
                limit: free,
            };
        }
        Next::Wait
    }

    /// The answer to [`Next::Fetch`] with `limit`: the posts to send now, in order.
    pub fn fetched(&mut self, posts: Vec<T>, limit: u32) -> Vec<T> {
        let full = posts.len() >= limit as usize;
        let mut send = Vec::with_capacity(posts.len());
        for post in posts {
            if post.seq() > self.last_sent {
                self.last_sent = post.seq();
                send.push(post);
            }
        }
        if full {
            // More may follow: read on once the window has room.
            self.behind = true;
            let last = self.last_sent;
            self.buffer.retain(|seq, _| *seq > last);
        } else {
            // Caught up with what the database held when it was read, and every buffered live
            // post was committed before that read began: all of them were in it.
            self.behind = false;
            self.buffer.clear();
        }
        send
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq, Eq)]
    struct P(i64);

    impl Placed for P {
        fn seq(&self) -> i64 {
            self.0
        }
    }

    const LIMITS: Limits = Limits {
        window: 4,
        buffer: 3,
    };

    /// Performs what the session asks against a "database" holding places 1..=`db`, until it
    /// waits; returns the places sent.
    fn drive(session: &mut Session<P>, db: i64) -> Vec<i64> {
        let mut sent = Vec::new();
        loop {
            match session.step() {
                Next::Send(post) => sent.push(post.0),
                Next::Fetch { after, limit } => {
                    let rows: Vec<P> = (after + 1..=db).take(limit as usize).map(P).collect();
                    sent.extend(session.fetched(rows, limit).into_iter().map(|p| p.0));
                }
                Next::Wait => return sent,
            }
        }
    }

    #[test]
    fn a_fresh_connection_replays_the_database_in_windows_then_waits_for_acks() {
        let mut session = Session::resume(0, LIMITS);
        assert_eq!(drive(&mut session, 6), [1, 2, 3, 4]);
        session.ack(4);
        assert_eq!(drive(&mut session, 6), [5, 6]);
        assert_eq!(session.step(), Next::Wait);
    }

    #[test]
    fn a_resume_starts_after_the_last_seen_place() {
        let mut session = Session::resume(3, LIMITS);
        assert_eq!(drive(&mut session, 5), [4, 5]);
    }

    #[test]
    fn live_posts_that_follow_are_sent_without_reading_the_database() {
        let mut session = Session::resume(2, LIMITS);
        assert_eq!(drive(&mut session, 2), Vec::<i64>::new());
        session.live(P(3)).unwrap();
        assert_eq!(session.step(), Next::Send(P(3)));
        assert_eq!(session.step(), Next::Wait);
    }

    #[test]
    fn a_gap_in_the_live_stream_is_filled_from_the_database() {
        let mut session = Session::resume(2, LIMITS);
        drive(&mut session, 2);
        session.live(P(5)).unwrap(); // 3 and 4 were lost on the way
        assert_eq!(session.step(), Next::Fetch { after: 2, limit: 4 });
        assert_eq!(drive(&mut session, 5), [3, 4, 5]);
    }

    #[test]
    fn live_posts_arriving_during_the_replay_are_sent_once() {
        let mut session = Session::resume(0, LIMITS);
        for seq in [2, 3, 1] {
            session.live(P(seq)).unwrap();
        }
        let sent = drive(&mut session, 3);
        session.live(P(3)).unwrap(); // a late duplicate from another instance
        session.live(P(2)).unwrap();
        assert_eq!(sent, [1, 2, 3]);
        assert_eq!(session.step(), Next::Wait);
    }

    #[test]
    fn any_arrival_order_with_duplicates_delivers_each_place_once_in_order() {
        let arrivals = [[4, 1, 1, 3, 2, 4], [2, 2, 4, 3, 1, 3], [1, 2, 3, 4, 4, 1]];
        for arrival in arrivals {
            let mut session = Session::resume(0, LIMITS);
            let mut sent = drive(&mut session, 0);
            for seq in arrival {
                session.live(P(seq)).unwrap();
                sent.extend(drive(&mut session, 4));
            }
            assert_eq!(sent, [1, 2, 3, 4], "{arrival:?}");
        }
    }

    #[test]
    fn a_lost_live_post_is_read_once_the_head_says_so() {
        let mut session = Session::resume(0, LIMITS);
        drive(&mut session, 0);
        session.head(1);
        assert_eq!(drive(&mut session, 1), [1]);
        session.head(1);
        assert_eq!(session.step(), Next::Wait);
    }

    #[test]
    fn a_client_that_does_not_ack_is_sent_a_window_then_overflows_the_buffer() {
        let mut session = Session::resume(0, LIMITS);
        drive(&mut session, 0);
        let mut sent = Vec::new();
        for seq in 1..=7 {
            session.live(P(seq)).unwrap();
            sent.extend(drive(&mut session, seq));
        }
        assert_eq!(sent, [1, 2, 3, 4]);
        assert_eq!(session.live(P(8)), Err(Overflow(3)));
    }

    #[test]
    fn acks_make_room_and_an_ack_beyond_what_was_sent_counts_up_to_it() {
        let mut session = Session::resume(0, LIMITS);
        assert_eq!(drive(&mut session, 9).len(), 4);
        session.ack(100);
        assert_eq!(session.acked(), 4);
        session.ack(2); // older acks change nothing
        assert_eq!(session.acked(), 4);
        assert_eq!(drive(&mut session, 9), [5, 6, 7, 8]);
    }

    #[test]
    fn a_place_hidden_again_after_it_went_live_does_not_stall_the_connection() {
        // 2 was allowed, announced, then rejected: the database no longer returns it.
        let mut session = Session::resume(1, LIMITS);
        drive(&mut session, 1);
        session.live(P(3)).unwrap();
        match session.step() {
            Next::Fetch { after, limit } => {
                let sent = session.fetched(vec![P(3)], limit);
                assert_eq!((after, sent), (1, vec![P(3)]));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(session.step(), Next::Wait);
    }
}
