//! The live feed inside one instance: the WebSocket connections subscribed to each course,
//! and the posts that became visible handed to each of them.
//!
//! Every instance hears every visible post through NATS core (`adapters::fanout`) and hands it
//! to its own connections here. A connection's queue is bounded: a connection whose queue is
//! full when a post arrives (its client is not reading) is cut off: its queue's sender is
//! dropped, so the connection drains what it holds, sees the end and closes with 4008.
//!
//! NATS core does not store messages: one published while an instance was reconnecting is
//! lost to it. The feeds' sweep ([`Hub::sweep`] with the database's heads, every second or so)
//! tells the connections of a course that its feed went further than any post they heard of;
//! they read the rest from the database (`domain::session`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;
use uuid::Uuid;

use crate::domain::posts::Post;
use crate::domain::session::Placed;

/// What a connection hears.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Live {
    /// A post that became visible.
    Post(Arc<Post>),
    /// The course's feed reaches this place (from the sweep).
    Head(i64),
}

impl Placed for Arc<Post> {
    fn seq(&self) -> i64 {
        self.seq.unwrap_or(0)
    }
}

#[derive(Debug, Default)]
struct Room {
    subscribers: HashMap<u64, mpsc::Sender<Live>>,
    /// The furthest place this instance heard of.
    head: Option<i64>,
}

#[derive(Debug, Default)]
struct Rooms {
    courses: HashMap<Uuid, Room>,
}

/// How a hand-out went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Handed {
    pub delivered: usize,
    /// Connections cut off because their queue was full.
    pub cut: usize,
}

#[derive(Debug, Clone)]
pub struct Hub {
    rooms: Arc<Mutex<Rooms>>,
    next_id: Arc<AtomicU64>,
    capacity: usize,
}

/// One connection's place in a course's room; leaves it when dropped.
#[derive(Debug)]
pub struct Subscription {
    pub receiver: mpsc::Receiver<Live>,
    course: Uuid,
    id: u64,
    rooms: Arc<Mutex<Rooms>>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let mut rooms = lock(&self.rooms);
        if let Some(room) = rooms.courses.get_mut(&self.course) {
            room.subscribers.remove(&self.id);
            if room.subscribers.is_empty() {
                rooms.courses.remove(&self.course);
            }
        }
    }
}

fn lock(rooms: &Mutex<Rooms>) -> std::sync::MutexGuard<'_, Rooms> {
    rooms
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Hub {
    /// A hub whose connections' queues hold `capacity` messages each.
    pub fn new(capacity: usize) -> Self {
        Self {
            rooms: Arc::default(),
            next_id: Arc::new(AtomicU64::new(1)),
            capacity: capacity.max(1),
        }
    }

    pub fn subscribe(&self, course: Uuid) -> Subscription {
        let (sender, receiver) = mpsc::channel(self.capacity);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        lock(&self.rooms)
            .courses
            .entry(course)
            .or_default()
            .subscribers
            .insert(id, sender);
        Subscription {
            receiver,
            course,
            id,
            rooms: self.rooms.clone(),
        }
    }

    /// Connections subscribed, over every course.
    pub fn connections(&self) -> usize {
        lock(&self.rooms)
            .courses
            .values()
            .map(|room| room.subscribers.len())
            .sum()
    }

    /// The courses someone here is subscribed to.
    pub fn courses(&self) -> Vec<Uuid> {
        lock(&self.rooms).courses.keys().copied().collect()
    }

    /// Hands a visible post to the connections of its course.
    pub fn post(&self, post: Arc<Post>) -> Handed {
        let Some(seq) = post.seq else {
            return Handed::default();
        };
        let mut rooms = lock(&self.rooms);
        let Some(room) = rooms.courses.get_mut(&post.course_id) else {
            return Handed::default();
        };
        room.head = Some(room.head.map_or(seq, |head| head.max(seq)));
        hand_out(room, &Live::Post(post))
    }

    /// The database's heads of the courses: each course whose feed went further than this
    /// instance heard tells its connections.
    pub fn sweep(&self, heads: &[(Uuid, i64)]) -> Handed {
        let mut total = Handed::default();
        let mut rooms = lock(&self.rooms);
        for (course, head) in heads {
            let Some(room) = rooms.courses.get_mut(course) else {
                continue;
            };
            if room.head.is_some_and(|known| known >= *head) {
                continue;
            }
            room.head = Some(*head);
            let handed = hand_out(room, &Live::Head(*head));
            total.delivered += handed.delivered;
            total.cut += handed.cut;
        }
        total
    }
}

fn hand_out(room: &mut Room, live: &Live) -> Handed {
    let mut handed = Handed::default();
    room.subscribers
        .retain(|_, sender| match sender.try_send(live.clone()) {
            Ok(()) => {
                handed.delivered += 1;
                true
            }
            Err(mpsc::error::TrySendError::Full(_)) => {
                handed.cut += 1;
                false
            }
            Err(mpsc::error::TrySendError::Closed(_)) => false,
        });
    handed
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use super::*;

    const COURSE: Uuid = Uuid::from_u128(0xC0);

    fn visible(seq: i64) -> Arc<Post> {
        let mut post = Post::new(
            Uuid::from_u128(u128::try_from(seq).unwrap()),
            COURSE,
            None,
            Uuid::from_u128(1),
            "Why?".into(),
            SystemTime::UNIX_EPOCH,
        );
        post.status = crate::domain::posts::Status::Allowed;
        post.seq = Some(seq);
        Arc::new(post)
    }

    #[test]
    fn a_post_reaches_every_connection_of_its_course_only() {
        let hub = Hub::new(4);
        let mut a = hub.subscribe(COURSE);
        let mut b = hub.subscribe(COURSE);
        let mut elsewhere = hub.subscribe(Uuid::from_u128(0xC1));
        assert_eq!(hub.post(visible(1)).delivered, 2);
        assert_eq!(a.receiver.try_recv().unwrap(), Live::Post(visible(1)));
        assert_eq!(b.receiver.try_recv().unwrap(), Live::Post(visible(1)));
        assert!(elsewhere.receiver.try_recv().is_err());
    }

    #[test]
    fn a_connection_whose_queue_is_full_is_cut_off_and_the_others_keep_theirs() {
        let hub = Hub::new(2);
        let mut slow = hub.subscribe(COURSE);
        let mut fast = hub.subscribe(COURSE);
        let mut cut = 0;
        for seq in 1..=3 {
            cut += hub.post(visible(seq)).cut;
            while fast.receiver.try_recv().is_ok() {}
        }
        assert_eq!(cut, 1);
        assert_eq!(hub.connections(), 1);
        // The slow one drains what it held, then hears the end: its cue to close with 4008.
        assert!(slow.receiver.try_recv().is_ok());
        assert!(slow.receiver.try_recv().is_ok());
        assert_eq!(
            slow.receiver.try_recv(),
            Err(mpsc::error::TryRecvError::Disconnected)
        );
        hub.post(visible(4));
        assert_eq!(fast.receiver.try_recv().unwrap(), Live::Post(visible(4)));
    }

    #[test]
    fn a_connection_leaves_its_room_when_dropped() {
        let hub = Hub::new(2);
        let subscription = hub.subscribe(COURSE);
        assert_eq!(hub.courses(), [COURSE]);
        drop(subscription);
        assert!(hub.courses().is_empty());
        assert_eq!(hub.post(visible(1)), Handed::default());
    }

    #[test]
    fn the_sweep_tells_a_course_only_when_its_feed_went_further_than_heard() {
        let hub = Hub::new(4);
        let mut connection = hub.subscribe(COURSE);
        hub.post(visible(3));
        connection.receiver.try_recv().unwrap();
        assert_eq!(hub.sweep(&[(COURSE, 3)]).delivered, 0);
        assert_eq!(hub.sweep(&[(COURSE, 5)]).delivered, 1);
        assert_eq!(connection.receiver.try_recv().unwrap(), Live::Head(5));
        assert_eq!(hub.sweep(&[(COURSE, 5)]).delivered, 0);
    }
}
