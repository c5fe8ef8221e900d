//! What the answer says about each event of a batch: accepted (JetStream stored it now),
//! duplicate (JetStream had it already: a retried batch), or rejected with its index and why.

use serde::Serialize;
use utoipa::ToSchema;

/// What JetStream said about one published event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    Stored,
    Duplicate,
}

/// An event refused before publishing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Rejected {
    /// Its position in the batch, from 0.
    pub index: usize,
    /// Its id as sent (may be empty or not a UUID: that can be why it was refused).
    pub id: String,
    /// Why, in words a person reads.
    pub reason: String,
}

/// The answer to an accepted batch (202): every event is in exactly one list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Report {
    /// Ids JetStream stored for this request.
    pub accepted: Vec<String>,
    /// Ids JetStream already held (a retried batch): stored once, not again.
    pub duplicates: Vec<String>,
    /// Events refused, with why; the others were still published.
    pub rejected: Vec<Rejected>,
}

impl Report {
    /// The report of a batch: `rejected` as found, then each published id with its ack, in order.
    pub fn from_acks(
        rejected: Vec<Rejected>,
        published: impl IntoIterator<Item = (String, Published)>,
    ) -> Self {
        let mut report = Self {
            rejected,
            ..Self::default()
        };
        for (id, ack) in published {
            match ack {
                Published::Stored => report.accepted.push(id),
                Published::Duplicate => report.duplicates.push(id),
            }
        }
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_published_event_lands_in_the_list_its_ack_names() {
        let refused = Rejected {
            index: 1,
            id: "x".into(),
            reason: "id is not a UUID".into(),
        };
        let report = Report::from_acks(
            vec![refused.clone()],
            [
                ("a".to_owned(), Published::Stored),
                ("b".to_owned(), Published::Duplicate),
                ("c".to_owned(), Published::Stored),
            ],
        );
        assert_eq!(report.accepted, ["a", "c"]);
        assert_eq!(report.duplicates, ["b"]);
        assert_eq!(report.rejected, [refused]);
    }
}
