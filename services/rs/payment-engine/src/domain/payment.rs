//! A payment's life: pending, then succeeded or failed, and a succeeded one may be refunded.
//! Only those transitions are legal; the provider's news may come twice or out of order.

use std::time::SystemTime;

use uuid::Uuid;

use super::money::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Accepted, waiting for the provider.
    Pending,
    /// The money was taken.
    Succeeded,
    /// The provider refused it (or it timed out): nothing was taken.
    Failed,
    /// The money was taken and given back.
    Refunded,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Refunded => "refunded",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Pending, Self::Succeeded, Self::Failed, Self::Refunded]
            .into_iter()
            .find(|status| status.as_str() == text)
    }
}

/// What the provider says happened to a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    Succeeded,
    Failed,
    Refunded,
}

impl Outcome {
    fn target(self) -> Status {
        match self {
            Self::Succeeded => Status::Succeeded,
            Self::Failed => Status::Failed,
            Self::Refunded => Status::Refunded,
        }
    }
}

/// What applying an outcome did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// The status moved.
    Moved { from: Status, to: Status },
    /// The payment is already there (or past it): a repeated or late message, nothing to do.
    Unchanged,
    /// Not yet possible: a refund for a payment whose success has not arrived. The provider
    /// delivers it again later (the webhook is answered with a retryable refusal).
    NotYet,
    /// Never possible (a succeeded payment cannot fail, a failed one cannot succeed).
    Illegal { from: Status, to: Status },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub id: Uuid,
    pub student_id: Uuid,
    pub course_id: Uuid,
    pub amount: Money,
    pub status: Status,
    pub created_at: SystemTime,
    /// Why a failed payment failed, in words for the student ("The card was declined."), as
    /// the provider or the deadline said it; None otherwise.
    pub failure_reason: Option<String>,
}

impl Payment {
    pub fn new(
        id: Uuid,
        student_id: Uuid,
        course_id: Uuid,
        amount: Money,
        created_at: SystemTime,
    ) -> Self {
        Self {
            id,
            student_id,
            course_id,
            amount,
            status: Status::Pending,
            created_at,
            failure_reason: None,
        }
    }

    /// The transition `outcome` would make from the current status (the payment unchanged).
    pub fn transition(&self, outcome: Outcome) -> Transition {
        use Status::{Failed, Pending, Refunded, Succeeded};
        let to = outcome.target();
        match (self.status, to) {
            (Pending, Succeeded | Failed) | (Succeeded, Refunded) => Transition::Moved {
                from: self.status,
                to,
            },
            (Pending, Refunded) => Transition::NotYet,
            // The same news again, or the success of a payment already refunded.
            (Succeeded, Succeeded) | (Failed, Failed) | (Refunded, Refunded | Succeeded) => {
                Transition::Unchanged
            }
            (Succeeded | Refunded, Failed) | (Failed, Succeeded | Refunded) | (_, Pending) => {
                Transition::Illegal {
                    from: self.status,
                    to,
                }
            }
        }
    }

    /// Applies `outcome`: the status moves only on [`Transition::Moved`].
    pub fn apply(&mut self, outcome: Outcome) -> Transition {
        let transition = self.transition(outcome);
        if let Transition::Moved { to, .. } = transition {
            self.status = to;
        }
        transition
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;

    fn payment(status: Status) -> Payment {
        let amount = Money::new(Currency::parse("EUR").unwrap(), 4900).unwrap();
        let mut p = Payment::new(
            Uuid::nil(),
            Uuid::nil(),
            Uuid::nil(),
            amount,
            SystemTime::UNIX_EPOCH,
        );
        p.status = status;
        p
    }

    #[test]
    fn a_pending_payment_succeeds_or_fails_and_only_a_succeeded_one_is_refunded() {
        let mut p = payment(Status::Pending);
        assert_eq!(
            p.apply(Outcome::Succeeded),
            Transition::Moved {
                from: Status::Pending,
                to: Status::Succeeded
            }
        );
        assert_eq!(
            p.apply(Outcome::Refunded),
            Transition::Moved {
                from: Status::Succeeded,
                to: Status::Refunded
            }
        );
        assert_eq!(p.status, Status::Refunded);
        let mut failed = payment(Status::Pending);
        failed.apply(Outcome::Failed);
        assert_eq!(failed.status, Status::Failed);
    }

    #[test]
    fn repeated_and_late_news_changes_nothing() {
        for (status, outcome) in [
            (Status::Succeeded, Outcome::Succeeded),
            (Status::Failed, Outcome::Failed),
            (Status::Refunded, Outcome::Refunded),
            (Status::Refunded, Outcome::Succeeded),
        ] {
            let mut p = payment(status);
            assert_eq!(
                p.apply(outcome),
                Transition::Unchanged,
                "{status:?} {outcome:?}"
            );
            assert_eq!(p.status, status);
        }
    }

    #[test]
    fn a_refund_before_the_success_waits() {
        let mut p = payment(Status::Pending);
        assert_eq!(p.apply(Outcome::Refunded), Transition::NotYet);
        assert_eq!(p.status, Status::Pending);
    }

    #[test]
    fn illegal_transitions_are_refused_and_leave_the_status() {
        for (status, outcome) in [
            (Status::Succeeded, Outcome::Failed),
            (Status::Failed, Outcome::Succeeded),
            (Status::Failed, Outcome::Refunded),
            (Status::Refunded, Outcome::Failed),
        ] {
            let mut p = payment(status);
            assert!(
                matches!(p.apply(outcome), Transition::Illegal { .. }),
                "{status:?} {outcome:?}"
            );
            assert_eq!(p.status, status);
        }
    }

    #[test]
    fn statuses_read_back_from_their_names() {
        for status in [
            Status::Pending,
            Status::Succeeded,
            Status::Failed,
            Status::Refunded,
        ] {
            assert_eq!(Status::parse(status.as_str()), Some(status));
        }
        assert_eq!(Status::parse("paid"), None);
    }
}
